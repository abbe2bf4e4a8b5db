using System;
using System.Linq;
using System.Text;
using UefiRecovery.Core.Ipmi;
using UefiRecovery.Core.Ipmi.Blob;
using Xunit;

namespace UefiRecovery.Core.Tests.Ipmi;

/// <summary>A whole committed blob read from the BMC: Stat, Open for reading, Read × N, Close; hostile answers.</summary>
public sealed class BlobDownloadTests
{
    private static readonly byte[] Id = Encoding.ASCII.GetBytes("/recovery/image");

    private static (BlobDownload Download, SpecBlobBmc Bmc) Setup(byte[]? image, bool committed = true)
    {
        var blobs = new SpecBlobBmc();
        if (image != null)
        {
            blobs.Blobs["/recovery/image"] = image.ToList();
            if (committed)
                blobs.Committed.Add("/recovery/image");
        }
        var kcs = new SpecKcsBmc { Handler = blobs.Handle };
        return (new BlobDownload(new BlobClient(new IpmiClient(new KcsInterface(kcs, 1_000, 5_000_000, 1)))), blobs);
    }

    private static byte[] Image(int size) => Enumerable.Range(0, size).Select(i => (byte)(i * 11 + 1)).ToArray();

    [Theory]
    [InlineData(1)]
    [InlineData(BlobClient.MaxReadBytes)]
    [InlineData(3 * BlobClient.MaxReadBytes + 5)]
    public void Read_CommittedBlob_WholeImageInOrder(int size)
    {
        byte[] image = Image(size);
        (BlobDownload download, SpecBlobBmc bmc) = Setup(image);
        var buffer = new byte[size + 100];

        Assert.Equal(BlobDownloadStatus.Read, download.Read(Id, buffer, out int length));

        Assert.Equal(image, buffer[..length]);
        Assert.Equal((size + BlobClient.MaxReadBytes - 1) / BlobClient.MaxReadBytes, download.Reads);
        Assert.Equal(new byte[] { 8, 2 }, bmc.Subcommands.Take(2).ToArray());
        Assert.Equal(6, bmc.Subcommands[^1]);
    }

    [Fact]
    public void Read_NoBlob_AbsentNothingOpened()
    {
        (BlobDownload download, SpecBlobBmc bmc) = Setup(null);

        Assert.Equal(BlobDownloadStatus.Absent, download.Read(Id, new byte[10], out int length));
        Assert.Equal(0, length);
        Assert.Equal(new byte[] { 8 }, bmc.Subcommands);
    }

    [Fact]
    public void Read_NotCommitted_NotCommittedNothingOpened()
    {
        (BlobDownload download, SpecBlobBmc bmc) = Setup(Image(10), committed: false);

        Assert.Equal(BlobDownloadStatus.NotCommitted, download.Read(Id, new byte[10], out _));
        Assert.Equal(new byte[] { 8 }, bmc.Subcommands);
    }

    [Fact]
    public void Read_LargerThanBuffer_TooLargeNothingOpened()
    {
        (BlobDownload download, SpecBlobBmc bmc) = Setup(Image(11));
        var buffer = new byte[10];

        Assert.Equal(BlobDownloadStatus.TooLarge, download.Read(Id, buffer, out int length));
        Assert.Equal(0, length);
        Assert.All(buffer, b => Assert.Equal(0, b));
        Assert.Equal(new byte[] { 8 }, bmc.Subcommands);
    }

    [Fact]
    public void Read_BlobShorterThanStatSaid_EndedEarlyClosed()
    {
        (BlobDownload download, SpecBlobBmc bmc) = Setup(Image(600));
        bmc.Tamper = (sub, answer) => sub == 8 ? SpecBlobBmc.Ok([0x08, 0x00, .. BitConverter.GetBytes(900u), 0]) : answer;

        Assert.Equal(BlobDownloadStatus.EndedEarly, download.Read(Id, new byte[1000], out _));
        Assert.Equal(6, bmc.Subcommands[^1]);
    }

    [Fact]
    public void Read_OneReadAnswerBadCrc_ReadAgainImageExact()
    {
        byte[] image = Image(1000);
        (BlobDownload download, SpecBlobBmc bmc) = Setup(image);
        int reads = 0;
        bmc.Tamper = (sub, answer) => sub == 3 && reads++ == 1 ? [.. answer[..4], (byte)(answer[4] ^ 0xFF), .. answer[5..]] : answer;
        var buffer = new byte[1000];

        Assert.Equal(BlobDownloadStatus.Read, download.Read(Id, buffer, out int length));
        Assert.Equal(image, buffer[..length]);
    }

    [Fact]
    public void Read_ReadAnswersAlwaysOversize_CommandFailedAtRead()
    {
        (BlobDownload download, SpecBlobBmc bmc) = Setup(Image(100));
        bmc.Tamper = (sub, answer) => sub == 3 ? SpecBlobBmc.Ok(new byte[101]) : answer;
        var buffer = new byte[100];

        Assert.Equal(BlobDownloadStatus.CommandFailed, download.Read(Id, buffer, out int length));
        Assert.All(buffer, b => Assert.Equal(0, b));
        Assert.Equal(BlobSubcommand.Read, download.FailedStep);
        Assert.Equal(BlobStatus.Oversize, download.FailedStatus);
        Assert.Equal(0, length);
    }
    [Fact]
    public void Read_BmcAnswersOneByteAtATime_TooSlowAfterReadBoundClosed()
    {
        (BlobDownload download, SpecBlobBmc bmc) = Setup(Image(1000));
        bmc.Tamper = (sub, answer) => sub == 3 && answer.Length > 7 ? SpecBlobBmc.Ok([answer[6]]) : answer;
        var buffer = new byte[1000];

        Assert.Equal(BlobDownloadStatus.TooSlow, download.Read(Id, buffer, out int length));

        Assert.Equal(0, length);
        Assert.Equal(BlobDownload.MaxReadsFor(1000), download.Reads);
        Assert.Equal(6, bmc.Subcommands[^1]);
    }

    [Fact]
    public void Read_BmcAnswersEachReadLate_TooSlowOnceWaitBudgetSpentClosed()
    {
        var bmc = new SpecBlobBmc();
        bmc.Blobs["/recovery/image"] = Image(3 * BlobClient.MaxReadBytes + 5).ToList();
        bmc.Committed.Add("/recovery/image");
        var kcs = new SpecKcsBmc { Handler = bmc.Handle, AnswerDelayMicroseconds = 4_000_000 };
        var download = new BlobDownload(new BlobClient(new IpmiClient(new KcsInterface(kcs, 1_000, 5_000_000, 1))), waitBudgetMicroseconds: 10_000_000);

        Assert.Equal(BlobDownloadStatus.TooSlow, download.Read(Id, new byte[2000], out int length));

        Assert.Equal(0, length);
        Assert.Equal(2, download.Reads); // Open and two Reads waited 12 s of the 10 s budget; the other two Reads never sent
        Assert.Equal(6, bmc.Subcommands[^1]);
    }
}
