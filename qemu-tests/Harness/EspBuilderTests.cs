using System;
using System.IO;
using UefiRecovery.Testbed.Esp;
using Xunit;

namespace UefiRecovery.QemuTests.Harness;

public sealed class EspBuilderTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "espbuilder-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void BuildFolder_AppAndExtraFiles_LaidOutAtRemovableMediaPath()
    {
        string app = Path.Combine(_root, "app.efi");
        Directory.CreateDirectory(_root);
        File.WriteAllBytes(app, new byte[] { 0x4D, 0x5A, 1, 2 });

        EspFolder esp = new EspBuilder()
            .WithBootApplication(app)
            .WithTextFile("EFI/uefirecovery/config.txt", "a=1\nb=2\n")
            .BuildFolder(Path.Combine(_root, "esp"));

        Assert.Equal(new byte[] { 0x4D, 0x5A, 1, 2 }, File.ReadAllBytes(esp.PathOf("EFI/BOOT/BOOTX64.EFI")));
        Assert.Equal("a=1\r\nb=2\r\n", File.ReadAllText(esp.PathOf("EFI/uefirecovery/config.txt")));
        Assert.Equal($"file=fat:rw:{esp.Directory},format=raw", esp.QemuDriveOption);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/EFI/BOOT/x")]
    [InlineData("EFI/../x")]
    [InlineData("EFI//x")]
    [InlineData("EFI\\BOOT\\x")]
    public void WithFile_PathEscapingOrMalformed_Rejected(string relativePath)
    {
        Assert.Throws<ArgumentException>(() => new EspBuilder().WithFile(relativePath, Array.Empty<byte>()));
    }

    [Fact]
    public void EspFolder_PathWithComma_Rejected()
    {
        Assert.Throws<ArgumentException>(() => new EspFolder("/tmp/a,b"));
    }
}
