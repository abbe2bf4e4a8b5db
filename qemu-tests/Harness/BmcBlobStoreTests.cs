using System;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;
using UefiRecovery.Core.Ipmi.Blob;
using UefiRecovery.Testbed.Bmc;
using Xunit;
using static UefiRecovery.QemuTests.Harness.BmcSimulatorTests;

namespace UefiRecovery.QemuTests.Harness;

/// <summary>
/// The test BMC's BLOB commands (phosphor-ipmi-blobs) over its socket the way QEMU drives it. Requests are built
/// by hand here; the CRC is checked with recovery-core's direct form, the BMC computes OpenBMC's augmented form.
/// </summary>
public sealed class BmcBlobStoreTests
{
    private static readonly byte[] ImageId = Encoding.ASCII.GetBytes("/recovery/image\0");

    private static byte[] Request(byte subcommand, byte[] body, bool badCrc = false)
    {
        var request = new byte[] { BmcBlobStore.NetFn << 2, BmcBlobStore.Command, 0xCF, 0xC2, 0x00, subcommand };
        if (body.Length == 0)
            return request;
        ushort crc = (ushort)(BlobCrc16.Compute(body) ^ (badCrc ? 1 : 0));
        return request.Concat(new[] { (byte)crc, (byte)(crc >> 8) }).Concat(body).ToArray();
    }

    private static byte[] Session(ushort session, params byte[] rest) => BitConverter.GetBytes(session).Concat(rest).ToArray();

    private static byte[] Write(ushort session, uint offset, byte[] data) =>
        BitConverter.GetBytes(session).Concat(BitConverter.GetBytes(offset)).Concat(data).ToArray();

    /// <summary>The answer after seq/netfn/cmd, without the checksum: completion code, OEN, CRC, body.</summary>
    private static async Task<byte[]> SendAsync(Socket qemu, byte seq, byte[] request) => (await RoundTripAsync(qemu, seq, request))[3..^1];

    private static byte[] Body(byte[] answer)
    {
        Assert.Equal(0x00, answer[0]);
        Assert.Equal(new byte[] { 0xCF, 0xC2, 0x00 }, answer[1..4]);
        byte[] body = answer[6..];
        Assert.Equal(BlobCrc16.Compute(body), (ushort)(answer[4] | answer[5] << 8));
        return body;
    }

    private static async Task<ushort> OpenAsync(Socket qemu, byte seq, ushort flags) =>
        BitConverter.ToUInt16(Body(await SendAsync(qemu, seq, Request(2, BitConverter.GetBytes(flags).Concat(ImageId).ToArray()))));

    [Fact]
    public async Task Upload_OpenWritesCommitStatClose_StoredAndCommittedAfterPolls()
    {
        var responder = new BmcResponder();
        responder.Blobs.CommitPolls = 2;
        await using BmcSimulator bmc = BmcSimulator.StartTcp(responder);
        using Socket qemu = await ConnectAsQemuAsync(bmc);
        byte[] file = Enumerable.Range(0, 500).Select(i => (byte)(i * 13)).ToArray();

        ushort session = await OpenAsync(qemu, 1, 2);
        for (int offset = 0, seq = 2; offset < file.Length; offset += 200, seq++)
            Assert.Equal(new byte[] { 0x00, 0xCF, 0xC2, 0x00 }, await SendAsync(qemu, (byte)seq, Request(4, Write(session, (uint)offset, file[offset..Math.Min(file.Length, offset + 200)]))));
        Assert.Equal(0x00, (await SendAsync(qemu, 5, Request(5, Session(session, 0))))[0]);
        ushort[] states = new ushort[3];
        for (int i = 0; i < 3; i++)
            states[i] = BitConverter.ToUInt16(Body(await SendAsync(qemu, (byte)(6 + i), Request(8, ImageId))));
        Assert.Equal(0x00, (await SendAsync(qemu, 9, Request(6, Session(session))))[0]);

        Assert.Equal(file, responder.Blobs.Stored("/recovery/image"));
        Assert.Equal(new ushort[] { 2 | 4, 2 | 4, 2 | 8 }, states); // open for writing; committing twice, then committed
        Assert.Equal(new byte[] { 2, 4, 4, 4, 5, 8, 8, 8, 6 }, responder.Blobs.Messages.Select(m => m.Subcommand).ToArray());
        Assert.Equal(new uint[] { 0, 200, 400 }, responder.Blobs.Messages.Where(m => m.Subcommand == 4).Select(m => m.Offset).ToArray());
    }

    [Fact]
    public async Task Read_PutBlob_ContentWithCrcShortAtEndEmptyPastIt()
    {
        var responder = new BmcResponder();
        byte[] image = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        responder.Blobs.Put("/recovery/image", image);
        await using BmcSimulator bmc = BmcSimulator.StartTcp(responder);
        using Socket qemu = await ConnectAsQemuAsync(bmc);

        ushort session = await OpenAsync(qemu, 1, 1);
        byte[] first = Body(await SendAsync(qemu, 2, Request(3, Write(session, 0, BitConverter.GetBytes(250u)))));
        byte[] tail = Body(await SendAsync(qemu, 3, Request(3, Write(session, 250, BitConverter.GetBytes(250u)))));
        byte[] past = Body(await SendAsync(qemu, 4, Request(3, Write(session, 300, BitConverter.GetBytes(250u)))));
        byte[] stat = Body(await SendAsync(qemu, 5, Request(8, ImageId)));

        Assert.Equal(image, first.Concat(tail).ToArray());
        Assert.Empty(past);
        Assert.Equal(1 | 8, BitConverter.ToUInt16(stat, 0)); // open for reading, committed
        Assert.Equal(300u, BitConverter.ToUInt32(stat, 2));
    }

    [Fact]
    public async Task Request_BadCrc_UnspecifiedErrorNothingDone()
    {
        var responder = new BmcResponder();
        await using BmcSimulator bmc = BmcSimulator.StartTcp(responder);
        using Socket qemu = await ConnectAsQemuAsync(bmc);

        byte[] answer = await SendAsync(qemu, 1, Request(2, new byte[] { 2, 0 }.Concat(ImageId).ToArray(), badCrc: true));

        Assert.Equal(new byte[] { 0xFF }, answer);
        Assert.Equal(1, responder.Blobs.CrcErrors);
        Assert.Empty(responder.Blobs.Messages);
    }

    public static TheoryData<string, BmcBlobFault, byte[]?> Faults => new()
    {
        { "corrupt", BmcBlobFault.Corrupt, new byte[] { 0x00, 0xCF ^ 0x5A, 0xC2, 0x00 } },
        { "busy", BmcBlobFault.Busy, new byte[] { 0xC0 } },
        { "drop", BmcBlobFault.Drop, null },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Write_FaultOnce_AnswerAsFaultSaysNextWriteClean(string name, BmcBlobFault fault, byte[]? expected)
    {
        var responder = new BmcResponder();
        await using BmcSimulator bmc = BmcSimulator.StartTcp(responder);
        using Socket qemu = await ConnectAsQemuAsync(bmc);
        ushort session = await OpenAsync(qemu, 1, 2);
        responder.Blobs.InjectFault(4, fault, 1);

        byte[] first;
        if (expected == null)
        {
            await qemu.SendAsync(BmcFrame.EncodeMessage(new byte[] { 2 }.Concat(Request(4, Write(session, 0, new byte[] { 1, 2 }))).ToArray()), SocketFlags.None);
            first = Array.Empty<byte>();
        }
        else
        {
            first = await SendAsync(qemu, 2, Request(4, Write(session, 0, new byte[] { 1, 2 })));
        }
        byte[] retried = await RoundTripAsync(qemu, 3, Request(4, Write(session, 0, new byte[] { 1, 2 })));
        Assert.Equal(0x00, (await SendAsync(qemu, 4, Request(5, Session(session, 0))))[0]);

        if (expected != null)
            Assert.True(expected.SequenceEqual(first), name);
        Assert.Equal(3, retried[0]); // the first answer on the wire is the retry's: a dropped answer never comes
        Assert.Equal(new byte[] { 0x00, 0xCF, 0xC2, 0x00 }, retried[3..^1]);
        Assert.Equal(new byte[] { 1, 2 }, responder.Blobs.Stored("/recovery/image"));
        int logged = fault == BmcBlobFault.Busy ? 1 : 2; // a busy BMC did not take the write
        Assert.Equal(logged, responder.Blobs.Messages.Count(m => m.Subcommand == 4));
        Assert.Equal(fault == BmcBlobFault.Drop ? 1 : 0, responder.Blobs.Messages.Count(m => !m.Answered));
    }

    [Fact]
    public async Task Write_Gap_InvalidDataFieldNothingStaged()
    {
        var responder = new BmcResponder();
        await using BmcSimulator bmc = BmcSimulator.StartTcp(responder);
        using Socket qemu = await ConnectAsQemuAsync(bmc);
        ushort session = await OpenAsync(qemu, 1, 2);

        byte[] gap = await SendAsync(qemu, 2, Request(4, Write(session, 10, new byte[] { 1 })));
        await SendAsync(qemu, 3, Request(5, Session(session, 0)));

        Assert.Equal(new byte[] { 0xCC }, gap);
        Assert.Equal(Array.Empty<byte>(), responder.Blobs.Stored("/recovery/image"));
    }

    [Fact]
    public async Task Stat_NeverCommit_CommittingEveryPoll()
    {
        var responder = new BmcResponder();
        responder.Blobs.NeverCommit = true;
        await using BmcSimulator bmc = BmcSimulator.StartTcp(responder);
        using Socket qemu = await ConnectAsQemuAsync(bmc);
        ushort session = await OpenAsync(qemu, 1, 2);
        await SendAsync(qemu, 2, Request(5, Session(session, 0)));
        await SendAsync(qemu, 3, Request(6, Session(session)));

        for (int i = 0; i < 5; i++)
            Assert.Equal(4, BitConverter.ToUInt16(Body(await SendAsync(qemu, (byte)(4 + i), Request(8, ImageId)))));
    }

    [Fact]
    public async Task Open_OtherOen_InvalidDataField()
    {
        var responder = new BmcResponder();
        await using BmcSimulator bmc = BmcSimulator.StartTcp(responder);
        using Socket qemu = await ConnectAsQemuAsync(bmc);
        byte[] request = Request(2, new byte[] { 2, 0 }.Concat(ImageId).ToArray());
        request[2] = 0x57;

        Assert.Equal(new byte[] { 0xCC }, await SendAsync(qemu, 1, request));
        Assert.Empty(responder.Blobs.Messages);
    }
}
