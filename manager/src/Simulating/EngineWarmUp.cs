using System;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace UefiRecovery.Manager.Simulating;

/// <summary>
/// Compiles the client engine's code (the portable protocol: ClientSession, wire codecs, CRC) and the
/// simulated machine's own receive path before a run's clock starts. The firmware runs that engine
/// ahead-of-time compiled; without this, the first simulated machine's first REQUEST left 17-28 ms after
/// its start, the JIT compiling ClientSession.Poll, which the report then counted as discovery.
/// </summary>
public static class EngineWarmUp
{
    public static void PrepareEngineCode()
    {
        Prepare(typeof(Core.Protocol.Client.ClientSession).Assembly, "UefiRecovery.Core.Protocol");
        Prepare(typeof(SimulatedClient).Assembly, "UefiRecovery.Manager.Simulating");
    }

    private static void Prepare(Assembly assembly, string namespacePrefix)
    {
        foreach (Type type in assembly.GetTypes())
        {
            if (type.Namespace is null || !type.Namespace.StartsWith(namespacePrefix, StringComparison.Ordinal)) continue;
            if (type.ContainsGenericParameters || type.IsInterface) continue;
            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (MethodInfo method in type.GetMethods(all)) PrepareOne(method);
            foreach (ConstructorInfo constructor in type.GetConstructors(all)) PrepareOne(constructor);
        }
    }

    private static void PrepareOne(MethodBase method)
    {
        if (method.IsAbstract || method.ContainsGenericParameters || method.GetMethodBody() is null) return;
        try
        {
            RuntimeHelpers.PrepareMethod(method.MethodHandle);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException or BadImageFormatException)
        {
            // A method the runtime cannot compile ahead of its first call is simply compiled then.
        }
    }
}
