using System.IO;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Firmware;

namespace UefiRecovery.Testbed.Guest;

/// <summary>
/// A <see cref="LinuxGuest"/> booted the way a real machine boots its OS: the kernel is an ESP file
/// (\EFI\Linux\vmlinuz.efi with its initrd) named by Boot0000, first in BootOrder, written into the vars file
/// before the first boot; the recovery app is \EFI\BOOT\BOOTX64.EFI on the same ESP. No <c>-kernel</c>: OVMF
/// would boot the fw_cfg kernel at every reset and ignore BootNext (issue #13). Used by qemu-tests and the demo.
/// </summary>
public static class EspBootedGuest
{
    public const string KernelEspPath = "EFI/Linux/vmlinuz.efi";
    public const string InitrdEspPath = "EFI/Linux/initrd.img";
    public const ushort LinuxBootNumber = 0x0000;

    /// <summary>The GPT disk with the ESP (the app at <paramref name="efiAppPath"/>, kernel, initrd) in <paramref name="runDirectory"/>.</summary>
    public static GptEspDisk BuildDisk(string runDirectory, LinuxGuest guest, string efiAppPath)
    {
        EspImage fat = new EspBuilder()
            .WithBootApplication(efiAppPath)
            .WithFile(KernelEspPath, File.ReadAllBytes(guest.KernelPath))
            .WithFile(InitrdEspPath, File.ReadAllBytes(guest.InitrdPath))
            .BuildFatImage(Path.Combine(runDirectory, "esp.fat"), 48);
        GptEspDisk disk = GptEspDisk.Wrap(fat, Path.Combine(runDirectory, "disk.img"));
        File.Delete(fat.ImagePath);
        return disk;
    }

    /// <summary>
    /// <paramref name="pristineVarsPath"/> with Boot0000 (the kernel, its command line as optional data: eth0's address,
    /// <see cref="GuestInitScript"/>'s idle samples and efivarfs switch) and BootOrder = 0000, written to
    /// <c>vars-template.fd</c> in <paramref name="runDirectory"/>; returns that file's path.
    /// </summary>
    public static string WriteVarsTemplate(string pristineVarsPath, string runDirectory, GptEspDisk disk, string guestAddressCidr, int idleSeconds,
        bool mountEfivarfs = true)
    {
        string commandLine = "initrd=\\" + InitrdEspPath.Replace('/', '\\') + " console=ttyS0 loglevel=4"
            + " uefirecovery.ip=" + guestAddressCidr + " uefirecovery.idle=" + idleSeconds + (mountEfivarfs ? "" : " uefirecovery.efivarfs=0");
        byte[] vars = File.ReadAllBytes(pristineVarsPath);
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
}
