using System;
using System.IO;

namespace UefiRecovery.Testbed.Esp;

/// <summary>
/// A host folder laid out as an ESP, served by QEMU's vvfat driver (<c>fat:rw:DIR</c>).
/// OVMF starts \EFI\BOOT\BOOTX64.EFI from it when nothing else is bootable.
/// </summary>
public sealed class EspFolder : IBootDisk
{
    public string Directory { get; }

    public EspFolder(string directory)
    {
        // QEMU's option parser treats ',' as a separator and vvfat treats ':' as one: refuse both
        // rather than hand QEMU a path it will cut in two.
        if (directory.Contains(',') || directory.Contains(':'))
        {
            throw new ArgumentException("An ESP folder path may not contain ',' or ':': " + directory, nameof(directory));
        }
        Directory = Path.GetFullPath(directory);
    }

    public string QemuDriveOption => $"file=fat:rw:{Directory},format=raw";

    public string PathOf(string relativePath) => EspBuilder.HostPath(Directory, relativePath);
}
