using System;
using System.Linq;
using System.Text;
using UefiRecovery.Core.Ipmi;
using UefiRecovery.Core.Ipmi.Blob;
using Xunit;

namespace UefiRecovery.Core.Tests.Ipmi;

/// <summary>The BLOB protocol client against <see cref="SpecBlobBmc"/> over the spec KCS model, and hostile answers.</summary>
public sealed class BlobClientTests
{
    private static readonly byte[] ImageId = Encoding.ASCII.GetBytes("/flash/image");

    private static (BlobClient Client, SpecBlobBmc Bmc, SpecKcsBmc Kcs) Setup()
    {
        var blobs = new SpecBlobBmc();
        var kcs = new SpecKcsBmc { Handler = blobs.Handle };
        return (new BlobClient(new IpmiClient(new KcsInterface(kcs, 1_000, 5_000_000, 1))), blobs, kcs);
    }

    public static TheoryData<string, byte[]> CrcInputs => new()
    {
        { "empty", [] },
        { "check-string", Encoding.ASCII.GetBytes("123456789") },
        { "zeros", new byte[7] },
        { "all-bytes", Enumerable.Range(0, 256).Select(i => (byte)i).ToArray() },
    };

    [Theory]
    [MemberData(nameof(CrcInputs))]
    public void Crc16_Input_EqualsOpenBmcAugmentedForm(string name, byte[] input)
    {
        Assert.True(SpecBlobBmc.Crc(input) == BlobCrc16.Compute(input), name);
    }

    [Fact]
    public void Crc16_CheckString_E5CC()
    {
        Assert.Equal(0xE5CC, BlobCrc16.Compute(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public void Open_Request_OenSubcommandCrcFlagsId()
    {
        (BlobClient client, _, SpecKcsBmc kcs) = Setup();

        Assert.Equal(BlobStatus.Ok, client.Open(ImageId, BlobState.OpenWrite, out ushort session));

        byte[] body = [0x02, 0x00, .. ImageId, 0x00];
        ushort crc = SpecBlobBmc.Crc(body);
        byte[] expected = [0x2E << 2, 0x80, 0xCF, 0xC2, 0x00, 0x02, (byte)crc, (byte)(crc >> 8), .. body];
        Assert.Equal(expected, Assert.Single(kcs.Requests));
        Assert.Equal(0x100, session);
    }

    [Fact]
    public void GetCount_NoBody_NoCrcInRequest()
    {
        (BlobClient client, SpecBlobBmc bmc, SpecKcsBmc kcs) = Setup();
        bmc.Blobs["/a"] = new() { 1 };

        Assert.Equal(BlobStatus.Ok, client.GetCount(out uint count));

        Assert.Equal(1u, count);
        Assert.Equal(new byte[] { 0x2E << 2, 0x80, 0xCF, 0xC2, 0x00, 0x00 }, Assert.Single(kcs.Requests));
    }

    public static TheoryData<string, int, int> Sizes => new()
    {
        { "one-byte", 1, 64 },
        { "one-chunk", BlobClient.MaxWriteBytes, BlobClient.MaxWriteBytes },
        { "chunks-and-tail", 3 * 100 + 17, 100 },
        { "max-chunks", 5 * BlobClient.MaxWriteBytes + 1, BlobClient.MaxWriteBytes },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void WriteCommitStatRead_Image_StoredAndReadBackByteExact(string name, int size, int chunk)
    {
        (BlobClient client, SpecBlobBmc bmc, _) = Setup();
        byte[] image = Enumerable.Range(0, size).Select(i => (byte)(i * 7 + 3)).ToArray();

        Assert.Equal(BlobStatus.Ok, client.Open(ImageId, BlobState.OpenWrite, out ushort session));
        for (int offset = 0; offset < size; offset += chunk)
            Assert.Equal(BlobStatus.Ok, client.Write(session, (uint)offset, image.AsSpan(offset, Math.Min(chunk, size - offset))));
        Assert.Equal(BlobStatus.Ok, client.Commit(session));
        Assert.Equal(BlobStatus.Ok, client.Close(session));
        Assert.Equal(BlobStatus.Ok, client.Stat(ImageId, out BlobStat stat));

        Assert.True(image.SequenceEqual(bmc.Blobs["/flash/image"]), name);
        Assert.True(stat.Has(BlobState.Committed));
        Assert.Equal((uint)size, stat.Size);
        Assert.Equal(2, stat.MetadataLength);

        Assert.Equal(BlobStatus.Ok, client.Open(ImageId, BlobState.OpenRead, out ushort reader));
        var back = new byte[size];
        int got = 0;
        while (got < size)
        {
            Assert.Equal(BlobStatus.Ok, client.Read(reader, (uint)got, back.AsSpan(got, Math.Min(BlobClient.MaxReadBytes, size - got)), out int read));
            Assert.True(read > 0);
            got += read;
        }
        Assert.Equal(BlobStatus.Ok, client.Read(reader, (uint)size, new byte[16], out int pastEnd));
        Assert.Equal(0, pastEnd);
        Assert.Equal(image, back);
        Assert.Equal(0, client.CommandsRetried);
    }

    public static TheoryData<string, Func<byte[], byte[]>, BlobStatus> Damages => new()
    {
        { "bad-crc", a => a.Length > 5 ? [.. a[..4], (byte)(a[4] ^ 1), .. a[5..]] : a, BlobStatus.BadCrc },
        { "payload-flipped", a => a.Length > 6 ? [.. a[..^1], (byte)(a[^1] ^ 0x80)] : a, BlobStatus.BadCrc },
        { "wrong-oen", a => [a[0], 0x57, 0x01, 0x00, .. a[4..]], BlobStatus.WrongOen },
        { "no-oen", a => [0x00, 0xCF], BlobStatus.Short },
        { "crc-cut", a => [.. a[..4], 0x12], BlobStatus.Short },
        { "unspecified-error", a => [0xFF], BlobStatus.CompletionCode },
        { "empty", a => [], BlobStatus.TransferFailed },
    };

    [Theory]
    [MemberData(nameof(Damages))]
    public void Read_DamagedAnswerEveryTime_FailsAfterRetriesNothingCopied(string name, Func<byte[], byte[]> damage, BlobStatus expected)
    {
        (BlobClient client, SpecBlobBmc bmc, _) = Setup();
        bmc.Blobs["/flash/image"] = Enumerable.Range(1, 50).Select(i => (byte)i).ToList();
        Assert.Equal(BlobStatus.Ok, client.Open(ImageId, BlobState.OpenRead, out ushort session));
        bmc.Tamper = (sub, answer) => sub == 3 ? damage(answer) : answer;
        var destination = new byte[32];

        BlobStatus status = client.Read(session, 0, destination, out int read);

        Assert.True(status == expected, name + ": " + status);
        Assert.Equal(0, read);
        Assert.All(destination, b => Assert.Equal(0, b));
        Assert.Equal(client.Retries, client.CommandsRetried);
        Assert.Equal(1 + client.Retries, bmc.Subcommands.Count(s => s == 3));
    }

    [Theory]
    [MemberData(nameof(Damages))]
    public void Write_DamagedAnswerOnce_RetriedSameOffsetAndStored(string name, Func<byte[], byte[]> damage, BlobStatus expected)
    {
        (BlobClient client, SpecBlobBmc bmc, _) = Setup();
        Assert.Equal(BlobStatus.Ok, client.Open(ImageId, BlobState.OpenWrite, out ushort session));
        int damaged = 0;
        // Write's answer has no body: damage a Stat-like body onto it where the row needs one.
        bmc.Tamper = (sub, answer) => sub == 4 && damaged++ == 0 ? damage(SpecBlobBmc.Ok([1, 2, 3])) : answer;

        BlobStatus status = client.Write(session, 0, new byte[] { 9, 8, 7 });

        Assert.Equal(BlobStatus.Ok, status);
        Assert.True(client.LastFault == expected, name + ": " + client.LastFault);
        Assert.Equal(1, client.CommandsRetried);
        Assert.Equal(new byte[] { 9, 8, 7 }, bmc.Blobs["/flash/image"]);
    }

    [Fact]
    public void Read_MoreBytesThanAsked_OversizeNothingCopied()
    {
        (BlobClient client, SpecBlobBmc bmc, _) = Setup();
        bmc.Blobs["/flash/image"] = Enumerable.Range(1, 50).Select(i => (byte)i).ToList();
        Assert.Equal(BlobStatus.Ok, client.Open(ImageId, BlobState.OpenRead, out ushort session));
        bmc.Tamper = (sub, answer) => sub == 3 ? SpecBlobBmc.Ok(Enumerable.Repeat((byte)0xEE, 33).ToArray()) : answer;
        var destination = new byte[32];

        Assert.Equal(BlobStatus.Oversize, client.Read(session, 0, destination, out int read));

        Assert.Equal(0, read);
        Assert.All(destination, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Stat_MetadataLongerThanAnswer_Short()
    {
        (BlobClient client, SpecBlobBmc bmc, _) = Setup();
        bmc.Blobs["/flash/image"] = new() { 1 };
        bmc.Tamper = (sub, answer) => sub == 8 ? SpecBlobBmc.Ok([0x08, 0x00, 1, 0, 0, 0, 5, 0xAA]) : answer;

        Assert.Equal(BlobStatus.Short, client.Stat(ImageId, out BlobStat stat));
        Assert.Equal(0u, stat.Size);
    }

    [Fact]
    public void Stat_UnknownBlob_CompletionCodeNotRetried()
    {
        (BlobClient client, SpecBlobBmc bmc, _) = Setup();

        Assert.Equal(BlobStatus.CompletionCode, client.Stat(ImageId, out _));

        Assert.Equal(0xCB, client.LastCompletionCode);
        Assert.Equal(0, client.CommandsRetried);
        Assert.Single(bmc.Subcommands);
    }

    public static TheoryData<string, byte[]> BadIds => new()
    {
        { "empty", [] },
        { "nul-inside", [0x2F, 0x00, 0x61] },
        { "too-long", Enumerable.Repeat((byte)0x61, BlobClient.MaxRequestDataBytes).ToArray() },
    };

    [Theory]
    [MemberData(nameof(BadIds))]
    public void Open_BadId_BadRequestNothingSent(string name, byte[] id)
    {
        (BlobClient client, _, SpecKcsBmc kcs) = Setup();

        Assert.True(client.Open(id, BlobState.OpenWrite, out _) == BlobStatus.BadRequest, name);
        Assert.Empty(kcs.Requests);
    }

    [Fact]
    public void WriteRead_TooLarge_BadRequestNothingSent()
    {
        (BlobClient client, _, SpecKcsBmc kcs) = Setup();

        Assert.Equal(BlobStatus.BadRequest, client.Write(1, 0, new byte[BlobClient.MaxWriteBytes + 1]));
        Assert.Equal(BlobStatus.BadRequest, client.Read(1, 0, new byte[BlobClient.MaxReadBytes + 1], out _));
        Assert.Empty(kcs.Requests);
    }
}
