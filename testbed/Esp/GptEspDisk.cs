using System;
using System.IO;

namespace UefiRecovery.Testbed.Esp;

/// <summary>
/// A whole disk with a GPT and one partition, the ESP (type C12A7328-…), holding a FAT image from
/// <see cref="EspBuilder.BuildFatImage"/>; attached as a virtio disk (<c>if=virtio</c>), where Linux sees
/// <c>/dev/vda</c> with <c>vda1</c> and the agent finds the ESP by its GPT type. The GUIDs are fixed so a
/// test can name the partition in a boot entry's <c>HD()</c> node before the machine starts.
/// </summary>
public sealed class GptEspDisk : IBootDisk
{
    public const long SectorSize = 512;
    public const long PartitionStartLba = 2048;
    public const int PartitionNumber = 1;
    public const string EspTypeGuid = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B";
    public static readonly Guid DiskGuid = new("5f1a0c2e-7d43-4b8e-9a61-0c3e2b7d9f10");
    public static readonly Guid PartitionGuid = new("6a3b2c1d-4e5f-4a7b-8c9d-0e1f2a3b4c5d");

    public string ImagePath { get; }
    public long PartitionSectors { get; }

    private GptEspDisk(string imagePath, long partitionSectors)
    {
        ImagePath = imagePath;
        PartitionSectors = partitionSectors;
    }

    public string QemuDriveOption => $"file={ImagePath},format=raw,if=virtio";

    /// <summary>Writes <paramref name="diskPath"/>: 1 MiB for the GPT, the FAT image as partition 1, 1 MiB for the backup GPT (sfdisk).</summary>
    public static GptEspDisk Wrap(EspImage fat, string diskPath)
    {
        if (diskPath.Contains(','))
        {
            throw new ArgumentException("a disk path may not contain ',': " + diskPath, nameof(diskPath));
        }
        long fatBytes = new FileInfo(fat.ImagePath).Length;
        if (fatBytes == 0 || fatBytes % SectorSize != 0)
        {
            throw new ArgumentException("the FAT image is not a whole number of sectors: " + fat.ImagePath, nameof(fat));
        }
        long sectors = fatBytes / SectorSize;
        string fullPath = Path.GetFullPath(diskPath);
        using (FileStream disk = File.Create(fullPath))
        {
            disk.SetLength((PartitionStartLba + sectors + 2048) * SectorSize);
        }
        string script = fullPath + ".sfdisk";
        File.WriteAllText(script,
            "label: gpt\n" +
            "label-id: " + DiskGuid.ToString().ToUpperInvariant() + "\n" +
            "start=" + PartitionStartLba + ", size=" + sectors + ", type=" + EspTypeGuid + ", uuid=" + PartitionGuid.ToString().ToUpperInvariant() + ", name=\"ESP\"\n");
        HostCommand.RunChecked("sh", "-c", "sfdisk --no-reread --no-tell-kernel \"$1\" < \"$2\"", "sh", fullPath, script);
        File.Delete(script);
        using (FileStream disk = new(fullPath, FileMode.Open, FileAccess.Write))
        using (FileStream source = File.OpenRead(fat.ImagePath))
        {
            disk.Position = PartitionStartLba * SectorSize;
            source.CopyTo(disk);
        }
        return new GptEspDisk(fullPath, sectors);
    }
}
