using System;
using System.Linq;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed;
using UefiRecovery.Testbed.Network;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// The REAL recovery manager for the end-to-end tests: built once from manager/src/Manager.csproj,
/// used to pack capsules (<c>image pack</c>) and run <c>serve</c> inside a test namespace.
/// Signing material and the OVMF vars payload are read from the shared vectors at run time.
/// </summary>
internal static class RecoveryManager
{
    /// <summary>FMP ImageTypeId of the EDK2 vectors (vectors/edk2-capsules/README.txt).</summary>
    public const string ImageType = "6E3C1A1B-3F4D-4F0E-9C64-2A5D8B1F7E10";
    public const string Version = "0x00010002";
    public const string LowestSupportedVersion = "0x00010000";

    /// <summary>SHA-256 of the EDK2 test key's modulus (TestSigningPublicKeyModulus.sha256.txt).</summary>
    public const string TestKeyHash = "9129c4bdea6ddab3aa6f5016fcdb4b7e3cd6dca47a0edde6158c7396a2d4a64d";

    private static readonly SemaphoreSlim BuildLock = new(1, 1);
    private static string? s_dll;

    public static string SharedDir
    {
        get
        {
            foreach (AssemblyMetadataAttribute attribute in typeof(RecoveryManager).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
            {
                if (attribute.Key == "SharedDir" && !string.IsNullOrEmpty(attribute.Value))
                {
                    return attribute.Value;
                }
            }
            return Path.Combine(TestEnvironment.Repo.Root, "..", "shared");
        }
    }

    public static string Rsa2048TestKey => Path.Combine(SharedDir, "vectors", "edk2-capsules", "keys", "edk2-rsa2048-test", "TestSigningPrivateKey.pem");

    public static string UntrustedKey => Path.Combine(SharedDir, "vectors", "edk2-capsules", "keys", "untrusted-rsa2048", "UntrustedSigningPrivateKey.pem");

    /// <summary>Builds the manager (once per test session) and returns the path of uefirecovery-manager.dll.</summary>
    public static async Task<string> RequireAsync()
    {
        await BuildLock.WaitAsync();
        try
        {
            if (s_dll != null)
            {
                return s_dll;
            }
            string output = Path.Combine(TestEnvironment.RunsDir, "rcv-manager-bin-" + Environment.ProcessId);
            string project = Path.Combine(TestEnvironment.Repo.Root, "manager", "src", "Manager.csproj");
            HostCommandResult build = HostCommand.Run("dotnet",
                new[] { "build", project, "-c", "Release", "-o", output, "-nologo", "-v", "q" }, TimeSpan.FromMinutes(10));
            string dll = Path.Combine(output, "uefirecovery-manager.dll");
            if (!build.Succeeded || !File.Exists(dll))
            {
                throw new InvalidOperationException("Building the manager failed: " + build);
            }
            s_dll = dll;
            return dll;
        }
        finally
        {
            BuildLock.Release();
        }
    }

    /// <summary>
    /// <c>image pack</c> of <paramref name="payloadPath"/> signed with <paramref name="keyPath"/>; FwVersion, LowestSupportedVersion
    /// and ImageTypeId are the vectors' unless a test (a rogue capsule) asks for others. Returns the capsule's path.
    /// </summary>
    public static async Task<string> PackAsync(string payloadPath, string keyPath, string outputPath,
        string version = Version, string lsv = LowestSupportedVersion, string imageType = ImageType)
    {
        string dll = await RequireAsync();
        HostCommandResult pack = HostCommand.Run("dotnet", new[]
        {
            dll, "image", "pack", "--payload", payloadPath, "--image-type", imageType, "--version", version,
            "--lsv", lsv, "--key", keyPath, "-o", outputPath,
        }, TimeSpan.FromMinutes(3));
        if (!pack.Succeeded || !File.Exists(outputPath))
        {
            throw new InvalidOperationException("image pack failed: " + pack);
        }
        return outputPath;
    }

    /// <summary><c>image machine-config</c>'s settings (one per line) for <paramref name="capsulePath"/>, trusting <paramref name="keyPath"/>.</summary>
    public static async Task<string[]> MachineConfigAsync(string capsulePath, string keyPath, params string[] options)
    {
        string dll = await RequireAsync();
        HostCommandResult run = HostCommand.Run("dotnet", new[] { dll, "image", "machine-config", capsulePath, "--trusted", keyPath }.Concat(options).ToArray(),
            TimeSpan.FromMinutes(3));
        if (!run.Succeeded)
        {
            throw new InvalidOperationException("image machine-config failed: " + run);
        }
        return run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>Starts <c>serve</c> with <paramref name="serve"/> in <paramref name="ns"/> and waits for its "ready udp=" line (3 minutes at most).</summary>
    public static async Task<NamespaceProcess> ServeAsync(NetworkNamespace ns, ServeArguments serve)
    {
        var arguments = new List<string> { await RequireAsync() };
        arguments.AddRange(serve.ToList());
        NamespaceProcess manager = ns.StartProcess("dotnet", arguments.ToArray());
        try
        {
            await manager.WaitForOutputAsync("ready udp=", TimeSpan.FromMinutes(3));
        }
        catch
        {
            manager.Dispose();
            throw;
        }
        return manager;
    }
}
