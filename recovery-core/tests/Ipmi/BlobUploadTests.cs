using System;
using System.Linq;
using System.Text;
using UefiRecovery.Core.Ipmi;
using UefiRecovery.Core.Ipmi.Blob;
using Xunit;

namespace UefiRecovery.Core.Tests.Ipmi;

/// <summary>Seed 004's sequence over the BLOB client: Open, Write × N, Commit, Stat until committed, Close.</summary>
public sealed class BlobUploadTests
{
    private static readonly byte[] Id = Encoding.ASCII.GetBytes("/recovery/image");

    private static (BlobUpload Upload, BlobClient Client, SpecBlobBmc Bmc) Setup(int chunk = 100, int polls = 3)
    {
        var blobs = new SpecBlobBmc();
        var kcs = new SpecKcsBmc { Handler = blobs.Handle };
        var client = new BlobClient(new IpmiClient(new KcsInterface(kcs, 1_000, 5_000_000, 1)));
        return (new BlobUpload(client, chunk, polls, 1_000), client, blobs);
    }

    private static byte[] File(int size) => Enumerable.Range(0, size).Select(i => (byte)(i * 31 + 5)).ToArray();

    public static TheoryData<string, int, int> Files => new()
    {
        { "empty", 0, 100 },
        { "under-a-chunk", 99, 100 },
        { "exact-chunks", 300, 100 },
        { "largest-chunks", 3 * BlobClient.MaxWriteBytes + 1, BlobClient.MaxWriteBytes },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Send_File_SeedOrderStoredByteExact(string name, int size, int chunk)
    {
        (BlobUpload upload, _, SpecBlobBmc bmc) = Setup(chunk);
        byte[] file = File(size);

        BlobUploadStatus status = upload.Send(Id, file);

        Assert.True(status == BlobUploadStatus.Stored, name + ": " + status);
        Assert.Equal(file, bmc.Blobs["/recovery/image"]);
        int writes = (size + chunk - 1) / chunk;
        byte[] expected = [2, .. Enumerable.Repeat((byte)4, writes), 5, 8, 6];
        Assert.Equal(expected, bmc.Subcommands);
        Assert.Equal(writes, upload.Writes);
        Assert.Equal(1, upload.Polls);
    }

    [Fact]
    public void Send_CommittingTwice_PollsUntilCommitted()
    {
        (BlobUpload upload, _, SpecBlobBmc bmc) = Setup(polls: 5);
        int stats = 0;
        bmc.Tamper = (sub, answer) => sub == 8 && stats++ < 2 ? SpecBlobBmc.Ok([0x04, 0x00, 0, 0, 0, 0, 0]) : answer;

        Assert.Equal(BlobUploadStatus.Stored, upload.Send(Id, File(10)));
        Assert.Equal(3, upload.Polls);
    }

    [Fact]
    public void Send_NeverCommitted_NotAcknowledgedAfterPollsAndClosed()
    {
        (BlobUpload upload, _, SpecBlobBmc bmc) = Setup(polls: 4);
        bmc.Tamper = (sub, answer) => sub == 8 ? SpecBlobBmc.Ok([0x04, 0x00, 10, 0, 0, 0, 0]) : answer;

        Assert.Equal(BlobUploadStatus.NotAcknowledged, upload.Send(Id, File(10)));
        Assert.Equal(4, bmc.Subcommands.Count(s => s == 8));
        Assert.Equal(6, bmc.Subcommands[^1]); // closed all the same
    }

    public static TheoryData<string, byte[], BlobUploadStatus> StatAnswers => new()
    {
        { "commit-error", [0x10, 0x00, 10, 0, 0, 0, 0], BlobUploadStatus.CommitError },
        { "wrong-size", [0x08, 0x00, 9, 0, 0, 0, 0], BlobUploadStatus.SizeMismatch },
    };

    [Theory]
    [MemberData(nameof(StatAnswers))]
    public void Send_StatSaysOtherwise_ThatStatus(string name, byte[] stat, BlobUploadStatus expected)
    {
        (BlobUpload upload, _, SpecBlobBmc bmc) = Setup();
        bmc.Tamper = (sub, answer) => sub == 8 ? SpecBlobBmc.Ok(stat) : answer;

        BlobUploadStatus status = upload.Send(Id, File(10));

        Assert.True(status == expected, name + ": " + status);
    }

    [Fact]
    public void Send_WriteAnswerDamagedOnce_SameOffsetSentAgainFileExact()
    {
        (BlobUpload upload, BlobClient client, SpecBlobBmc bmc) = Setup();
        int writes = 0;
        bmc.Tamper = (sub, answer) => sub == 4 && writes++ == 1 ? [0x00, 0xCF, 0xC3, 0x00] : answer;
        byte[] file = File(250);

        Assert.Equal(BlobUploadStatus.Stored, upload.Send(Id, file));

        Assert.Equal(file, bmc.Blobs["/recovery/image"]);
        Assert.Equal(1, client.CommandsRetried);
        Assert.Equal(BlobStatus.WrongOen, client.LastFault);
        Assert.Equal(4, bmc.Subcommands.Count(s => s == 4)); // three writes, the second twice
    }

    [Fact]
    public void Send_WriteAnswerAlwaysBad_WriteFailedNothingCommittedClosed()
    {
        (BlobUpload upload, _, SpecBlobBmc bmc) = Setup();
        bmc.Tamper = (sub, answer) => sub == 4 ? [0xFF] : answer;

        Assert.Equal(BlobUploadStatus.CommandFailed, upload.Send(Id, File(250)));

        Assert.Equal(BlobSubcommand.Write, upload.FailedStep);
        Assert.DoesNotContain((byte)5, bmc.Subcommands);
        Assert.Empty(bmc.Committed);
        Assert.Equal(6, bmc.Subcommands[^1]);
    }

    [Fact]
    public void Send_OpenRefused_CommandFailedNothingElseSent()
    {
        (BlobUpload upload, _, SpecBlobBmc bmc) = Setup();
        bmc.Tamper = (sub, answer) => sub == 2 ? [0xD5] : answer;

        Assert.Equal(BlobUploadStatus.CommandFailed, upload.Send(Id, File(10)));

        Assert.Equal(BlobSubcommand.Open, upload.FailedStep);
        Assert.Equal(new byte[] { 2 }, bmc.Subcommands);
    }
    [Fact]
    public void Send_BmcAnswersEachWriteLate_TooSlowOnceWaitBudgetSpentClosedNotCommitted()
    {
        var bmc = new SpecBlobBmc();
        var kcs = new SpecKcsBmc { Handler = bmc.Handle, AnswerDelayMicroseconds = 4_000_000 };
        var client = new BlobClient(new IpmiClient(new KcsInterface(kcs, 1_000, 5_000_000, 1)));
        var upload = new BlobUpload(client, 100, 3, 1_000, waitBudgetMicroseconds: 10_000_000);

        Assert.Equal(BlobUploadStatus.TooSlow, upload.Send(Id, File(500)));

        Assert.Equal(2, upload.Writes); // Open and two Writes waited 12 s of the 10 s budget; the other three never sent
        Assert.Equal(BlobSubcommand.Write, upload.FailedStep);
        Assert.Equal(new byte[] { 2, 4, 4, 6 }, bmc.Subcommands);
        Assert.DoesNotContain("/recovery/image", bmc.Committed);
    }
}
