using System;
using System.IO;
using System.Threading.Tasks;
using UefiRecovery.Manager.Files;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;

namespace UefiRecovery.Manager.Tests.Files;

/// <summary>Input files are read only when they are regular files, and never past the limit, whatever the file system says.</summary>
public sealed class RegularFileTests : IDisposable
{
    private readonly TempFolder _folder = new("regular-file");

    public void Dispose() => _folder.Dispose();

    public static TheoryData<string, string> Devices => new()
    {
        { "/dev/zero", "a character device" },
        { "/dev/null", "a character device" },
        { "/dev/urandom", "a character device" },
    };

    [Theory]
    [MemberData(nameof(Devices))]
    public void TryRead_SymlinkToDevice_RefusedNamingTypeAndTarget(string device, string kind)
    {
        string link = SpecialFiles.SymlinkTo(_folder.Combine("image.cap"), device);
        Assert.False(RegularFile.TryRead(link, 1 << 20, out byte[] bytes, out string error));
        Assert.Empty(bytes);
        Assert.Equal($"not a regular file ({kind}, via symlink to {device})", error);
    }

    [Fact]
    public void TryRead_DeviceItself_Refused()
    {
        Assert.False(RegularFile.TryRead("/dev/zero", 1 << 20, out _, out string error));
        Assert.Equal("not a regular file (a character device)", error);
    }

    [Fact]
    public async Task TryRead_FifoWithoutWriter_RefusedAtOnce()
    {
        string fifo = SpecialFiles.Fifo(_folder.Combine("image.cap"));
        // Opening a FIFO for reading waits for a writer; the reader must not even try.
        var read = Task.Run(() => (RegularFile.TryRead(fifo, 1 << 20, out _, out string error), error));
        var (ok, reason) = await read.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(ok);
        Assert.Equal("not a regular file (a FIFO)", reason);
    }

    [Fact]
    public void TryRead_Directory_Refused()
    {
        string directory = Directory.CreateDirectory(_folder.Combine("image.cap")).FullName;
        Assert.False(RegularFile.TryRead(directory, 1 << 20, out _, out string error));
        Assert.Equal("not a regular file (a directory)", error);
    }

    [Fact]
    public void TryRead_SparseFileAboveLimit_RefusedUnreadWithOption()
    {
        string huge = SpecialFiles.Sparse(_folder.Combine("huge.cap"), 64L << 30);
        Assert.False(RegularFile.TryRead(huge, 1 << 20, out byte[] bytes, out string error, "--max-image-size"));
        Assert.Empty(bytes);
        Assert.Equal("larger than the limit of 1048576 bytes (--max-image-size)", error);
    }

    [Theory]
    [InlineData(4096, 4096, true)]
    [InlineData(4097, 4096, false)]
    [InlineData(0, 4096, true)]
    public void TryRead_SizeAroundLimit_AcceptedUpToLimit(int size, int limit, bool accepted)
    {
        var content = new byte[size];
        new Random(size).NextBytes(content);
        string path = _folder.Combine("f.bin");
        File.WriteAllBytes(path, content);
        Assert.Equal(accepted, RegularFile.TryRead(path, limit, out byte[] bytes, out _));
        Assert.Equal(accepted ? content : Array.Empty<byte>(), bytes);
    }

    [Fact]
    public void TryRead_ProcFileThatReportsSizeZero_ReadAndStillBounded()
    {
        // /proc files say 0 bytes and hold more: the reported size is never what bounds the read.
        Assert.Equal(0, new FileInfo("/proc/self/status").Length);
        Assert.True(RegularFile.TryRead("/proc/self/status", 1 << 20, out byte[] bytes, out _));
        Assert.Contains("VmRSS", System.Text.Encoding.ASCII.GetString(bytes), StringComparison.Ordinal);
        Assert.False(RegularFile.TryRead("/proc/self/status", 64, out byte[] none, out string error));
        Assert.Empty(none);
        Assert.Equal("larger than the limit of 64 bytes", error);
    }

    [Fact]
    public void TryRead_Missing_SaysSo()
    {
        Assert.False(RegularFile.TryRead(_folder.Combine("absent.cap"), 1 << 20, out _, out string error));
        Assert.Equal("No such file or directory", error);
    }

    [Fact]
    public void Read_NotRegular_ThrowsIOExceptionWithPathAndReason()
    {
        var e = Assert.Throws<IOException>(() => RegularFile.Read("/dev/zero", 1 << 20));
        Assert.Equal("/dev/zero: not a regular file (a character device)", e.Message);
    }
}
