using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
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
/// The Linux guest of the agent tests, booted the way a real machine boots its OS: the kernel is an ESP file
/// (\EFI\Linux\vmlinuz.efi with its initrd) named by Boot0000, first in BootOrder, written into the vars file
/// before the first boot; the recovery app is \EFI\BOOT\BOOTX64.EFI on the same ESP. No <c>-kernel</c>: OVMF
/// would boot the fw_cfg kernel at every reset and ignore BootNext (issue #13).
/// </summary>
internal static class AgentGuestLab
{
    /// <summary>The SMBIOS system UUID QEMU gives the guest (<c>-uuid</c>); the agent reads it from /sys/class/dmi/id/product_uuid.</summary>
    public const string SystemUuid = "5ee6d83b-8a3c-4b53-9f3d-1c7f0e2a6b41";

    public const string KernelEspPath = "EFI/Linux/vmlinuz.efi";
    public const string InitrdEspPath = "EFI/Linux/initrd.img";
    public const ushort LinuxBootNumber = 0x0000;

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

    /// <summary>The GPT disk with the ESP (app, kernel, initrd) in <paramref name="runDirectory"/>.</summary>
    public static GptEspDisk BuildDisk(string runDirectory, LinuxGuest guest)
    {
        EspImage fat = new EspBuilder()
            .WithBootApplication(EfiAppBinary.Require())
            .WithFile(KernelEspPath, File.ReadAllBytes(guest.KernelPath))
            .WithFile(InitrdEspPath, File.ReadAllBytes(guest.InitrdPath))
            .BuildFatImage(Path.Combine(runDirectory, "esp.fat"), 48);
        GptEspDisk disk = GptEspDisk.Wrap(fat, Path.Combine(runDirectory, "disk.img"));
        File.Delete(fat.ImagePath);
        return disk;
    }

    /// <summary>Debian's pristine vars with Boot0000 (the kernel, its command line as optional data) and BootOrder = 0000; returns the file's path.</summary>
    public static string WriteVarsTemplate(string runDirectory, GptEspDisk disk, string guestAddressCidr, int idleSeconds, bool mountEfivarfs = true)
    {
        string commandLine = "initrd=\\" + InitrdEspPath.Replace('/', '\\') + " console=ttyS0 loglevel=4"
            + " uefirecovery.ip=" + guestAddressCidr + " uefirecovery.idle=" + idleSeconds + (mountEfivarfs ? "" : " uefirecovery.efivarfs=0");
        byte[] vars = File.ReadAllBytes(PristineVars.Path);
        vars = VarStoreWriter.Append(vars, BootVariable(LinuxBootNumber), EfiLoadOption.GlobalVariableGuid, VarStoreWriter.NonVolatileBootServiceRuntime,
            EfiLoadOption.ForGptFile("Linux (test guest)", GptEspDisk.PartitionNumber, GptEspDisk.PartitionStartLba, disk.PartitionSectors,
                GptEspDisk.PartitionGuid, "\\" + KernelEspPath.Replace('/', '\\'), commandLine));
        vars = VarStoreWriter.Append(vars, "BootOrder", EfiLoadOption.GlobalVariableGuid, VarStoreWriter.NonVolatileBootServiceRuntime,
            EfiLoadOption.BootNumbers(LinuxBootNumber));
        string path = Path.Combine(runDirectory, "vars-template.fd");
        File.WriteAllBytes(path, vars);
        return path;
    }

    public static string BootVariable(ushort number) => "Boot" + number.ToString("X4");

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
