using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.QemuTests.Recovery;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Firmware;
using UefiRecovery.Testbed.Guest;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.QemuTests.Agent;

/// <summary>
/// The Linux guest of the agent tests, booted the way a real machine boots its OS (testbed's <see cref="EspBootedGuest"/>:
/// the kernel on the ESP named by Boot0000, the app next to it): the machine's UUID, the trusted instruction key, and
/// readers of the variables a run left in the vars file.
/// </summary>
internal static class AgentGuestLab
{
    /// <summary>The SMBIOS system UUID QEMU gives the guest (<c>-uuid</c>); the agent reads it from /sys/class/dmi/id/product_uuid.</summary>
    public const string SystemUuid = "5ee6d83b-8a3c-4b53-9f3d-1c7f0e2a6b41";

    public static readonly Guid RecoveryVendor = new("1C2F4AFA-2835-41FD-9CBC-7E594C1BC6AB");

    /// <summary>The instruction key: the shared EDK2 test key (stable, so the cached guest is reused); the guest trusts its public half.</summary>
    public static string InstructionKeyPath => RecoveryManager.Rsa2048TestKey;

    public static async Task<LinuxGuest> BuildGuestAsync()
    {
        string agent = await AgentBinary.RequireAsync();
        using RSA key = RSA.Create();
        key.ImportFromPem(File.ReadAllText(InstructionKeyPath));
        return new LinuxGuestBuilder { CacheRoot = Path.Combine(TestEnvironment.Repo.ArtifactsDir, "guest"), AgentBinaryPath = agent }
            .WithTrustedKey("manager-test.pem", key.ExportSubjectPublicKeyInfoPem())
            .Build();
    }

    /// <summary>The GPT disk with the ESP (app, kernel, initrd) in <paramref name="runDirectory"/> (testbed's <see cref="EspBootedGuest"/>).</summary>
    public static GptEspDisk BuildDisk(string runDirectory, LinuxGuest guest) =>
        EspBootedGuest.BuildDisk(runDirectory, guest, EfiAppBinary.Require());

    /// <summary>Debian's pristine vars with Boot0000 (the kernel, its command line as optional data) and BootOrder = 0000; returns the file's path.</summary>
    public static string WriteVarsTemplate(string runDirectory, GptEspDisk disk, string guestAddressCidr, int idleSeconds, bool mountEfivarfs = true) =>
        EspBootedGuest.WriteVarsTemplate(PristineVars.Path, runDirectory, disk, guestAddressCidr, idleSeconds, mountEfivarfs);

    /// <summary>The guest machine on the segment's tap, QEMU in its namespace, booting from the vars template's Boot0000 (or BootNext).</summary>
    public static QemuMachine Machine(string run, GptEspDisk disk, string vars, E2eSegment segment, TimeSpan timeout,
        IReadOnlyList<string>? oemStrings = null) =>
        new(new QemuMachineOptions
        {
            BootDisk = disk,
            RunDirectory = run,
            Nic = NicSetup.Tap(segment.Tap, NicModel.VirtioNetOvmfDriver),
            NetworkNamespace = segment.Namespace.Name,
            Timeout = timeout,
            VarsTemplatePath = vars,
            MemoryMiB = 512,
            ExtraArguments = new[] { "-uuid", SystemUuid },
            OemStrings = oemStrings ?? Array.Empty<string>(),
        });

    /// <summary>
    /// The current value of each variable in a vars file: the last record in state VAR_ADDED per name and vendor (EDK II
    /// appends a new record and marks the old one deleted; a record in transition is not current).
    /// </summary>
    public static IReadOnlyDictionary<(string Name, Guid Vendor), VarStoreRecord> CurrentVariables(string varsPath)
    {
        var current = new Dictionary<(string, Guid), VarStoreRecord>();
        foreach (VarStoreRecord record in VarStoreWriter.ReadAll(File.ReadAllBytes(varsPath)))
        {
            if (record.State == VarStoreWriter.StateAdded)
            {
                current[(record.Name, record.VendorGuid)] = record;
            }
        }
        return current;
    }

    public static byte[]? Global(IReadOnlyDictionary<(string Name, Guid Vendor), VarStoreRecord> variables, string name) =>
        variables.TryGetValue((name, EfiLoadOption.GlobalVariableGuid), out VarStoreRecord? record) ? record.Data : null;

    public static byte[]? Recovery(IReadOnlyDictionary<(string Name, Guid Vendor), VarStoreRecord> variables, string name) =>
        variables.TryGetValue((name, RecoveryVendor), out VarStoreRecord? record) ? record.Data : null;
}
