using System;
using System.IO;
using System.Text;
using System.Text.Json;
using UefiRecovery.Testbed;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Firmware;
using Xunit;

namespace UefiRecovery.QemuTests.Harness;

/// <summary>
/// The pieces that boot the Linux guest from the ESP, read back by other tools: the boot entry by efibootmgr's
/// decoder (efibootdump), the GPT disk by sfdisk.
/// </summary>
public sealed class GuestBootPiecesTests : IDisposable
{
    private readonly string _root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "guestboot-" + Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void ForGptFile_KernelWithCommandLine_EfibootdumpDecodesPathAndOptionalData()
    {
        string file = Path.Combine(_root, "Boot0000.bin");
        File.WriteAllBytes(file, EfiLoadOption.ForGptFile("Linux", 1, 2048, 98304, new Guid("6a3b2c1d-4e5f-4a7b-8c9d-0e1f2a3b4c5d"),
            "\\EFI\\Linux\\vmlinuz.efi", "console=ttyS0"));

        HostCommandResult dump = HostCommand.RunChecked("efibootdump", "-f", file);

        Assert.Contains("* Linux HD(1,GPT,6a3b2c1d-4e5f-4a7b-8c9d-0e1f2a3b4c5d,0x800,0x18000)/File(\\EFI\\Linux\\vmlinuz.efi)", dump.StandardOutput);
        Assert.Contains("c.o.n.s.o.l.e.=.t.t.y.S.0.", dump.StandardOutput);  // efibootdump shows optional data byte by byte
    }

    [Fact]
    public void ForGptFile_PathWithoutLeadingBackslash_Throws() =>
        Assert.Throws<ArgumentException>(() => EfiLoadOption.ForGptFile("Linux", 1, 2048, 1, Guid.NewGuid(), "EFI/Linux/vmlinuz.efi", null));

    [Fact]
    public void BootNumbers_TwoEntries_LittleEndianWords() =>
        Assert.Equal(new byte[] { 0x00, 0x00, 0x09, 0x00 }, EfiLoadOption.BootNumbers(0x0000, 0x0009));

    [Fact]
    public void Wrap_FatImage_SfdiskSeesOneEspPartitionWithTheFixedGuidsAndTheFatAtItsStart()
    {
        EspImage fat = new EspBuilder().WithTextFile("EFI/Linux/hello.txt", "hi\n").BuildFatImage(Path.Combine(_root, "esp.fat"), 8);
        byte[] fatBytes = File.ReadAllBytes(fat.ImagePath);

        GptEspDisk disk = GptEspDisk.Wrap(fat, Path.Combine(_root, "disk.img"));

        using JsonDocument table = JsonDocument.Parse(HostCommand.RunChecked("sfdisk", "--json", disk.ImagePath).StandardOutput);
        JsonElement partitionTable = table.RootElement.GetProperty("partitiontable");
        Assert.Equal("gpt", partitionTable.GetProperty("label").GetString());
        Assert.Equal(GptEspDisk.DiskGuid.ToString(), partitionTable.GetProperty("id").GetString(), ignoreCase: true);
        JsonElement partition = Assert.Single(partitionTable.GetProperty("partitions").EnumerateArray());
        Assert.Equal(GptEspDisk.PartitionStartLba, partition.GetProperty("start").GetInt64());
        Assert.Equal(fatBytes.Length / 512, partition.GetProperty("size").GetInt64());
        Assert.Equal(GptEspDisk.EspTypeGuid, partition.GetProperty("type").GetString(), ignoreCase: true);
        Assert.Equal(GptEspDisk.PartitionGuid.ToString(), partition.GetProperty("uuid").GetString(), ignoreCase: true);
        Assert.Equal(fatBytes.Length / 512, disk.PartitionSectors);
        byte[] image = File.ReadAllBytes(disk.ImagePath);
        Assert.True(image.AsSpan((int)(GptEspDisk.PartitionStartLba * 512), fatBytes.Length).SequenceEqual(fatBytes));
        Assert.EndsWith(",format=raw,if=virtio", disk.QemuDriveOption);
    }
}
