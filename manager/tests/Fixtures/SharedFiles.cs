using System;
using System.IO;
using System.Reflection;

namespace UefiRecovery.Manager.Tests.Fixtures;

/// <summary>Paths into ../shared (read at run time, never copied into the repo): the EDK2 test keys.</summary>
public static class SharedFiles
{
    public static string SharedDir
    {
        get
        {
            foreach (var attribute in typeof(SharedFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
                if (attribute.Key == "SharedDir" && attribute.Value is not null) return attribute.Value;
            throw new InvalidOperationException("SharedDir assembly metadata missing (tests.props)");
        }
    }

    private static string Keys => Path.Combine(SharedDir, "vectors", "edk2-capsules", "keys");

    /// <summary>EDK2's public RSA2048 test key: what the test manager and machines trust.</summary>
    public static string TrustedPrivateKey => Path.Combine(Keys, "edk2-rsa2048-test", "TestSigningPrivateKey.pem");
    public static string TrustedPublicKey => Path.Combine(Keys, "edk2-rsa2048-test", "TestSigningPublicKey.pem");

    /// <summary>A key nobody trusts: the rogue donor signs with it.</summary>
    public static string UntrustedPrivateKey => Path.Combine(Keys, "untrusted-rsa2048", "UntrustedSigningPrivateKey.pem");
    public static string UntrustedPublicKey => Path.Combine(Keys, "untrusted-rsa2048", "UntrustedSigningPublicKey.pem");

    /// <summary>The platform GUID of the test capsules (the vectors' --guid).</summary>
    public const string ImageType = "6e3c1a1b-3f4d-4f0e-9c64-2a5d8b1f7e10";
}
