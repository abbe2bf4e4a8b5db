using System;
using System.IO;

namespace UefiRecovery.Testbed.Esp;

/// <summary>A FAT file-system image (no partition table) holding the ESP, built with mkfs.vfat and mtools.</summary>
public sealed class EspImage : IBootDisk
{
    public string ImagePath { get; }

    public EspImage(string imagePath)
    {
        if (imagePath.Contains(','))
        {
            throw new ArgumentException("An image path may not contain ',': " + imagePath, nameof(imagePath));
        }
        ImagePath = Path.GetFullPath(imagePath);
    }

    public string QemuDriveOption => $"file={ImagePath},format=raw";
}
