using System;

namespace UefiRecovery.Fuzz.Targets;

/// <summary>
/// Every fuzz target, by name. Targets are made through their factory only when needed: under afl-fuzz no
/// instrumented code may run before SharpFuzz has mapped the coverage memory (it would write through a
/// null map), so `serve` creates its target inside the fork server.
/// </summary>
public static class FuzzTargets
{
    private static readonly (string Name, Func<FuzzTarget> Create)[] Factories =
    {
        ("capsule", () => new CapsuleTarget()),
        ("pkcs7", () => new Pkcs7Target()),
        ("protocol", () => new ProtocolTarget()),
        ("config", () => new ConfigTarget()),
        ("netstack", () => new NetstackTarget()),
    };

    public static string[] Names => Array.ConvertAll(Factories, f => f.Name);

    /// <summary>A new instance of every target.</summary>
    public static FuzzTarget[] All => Array.ConvertAll(Factories, f => f.Create());

    public static bool IsName(string name) => Array.Exists(Factories, f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>A new instance of the named target, or null.</summary>
    public static FuzzTarget? Create(string name)
    {
        foreach ((string targetName, Func<FuzzTarget> create) in Factories)
        {
            if (string.Equals(targetName, name, StringComparison.OrdinalIgnoreCase)) return create();
        }
        return null;
    }
}
