using System;
using System.Buffers.Binary;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Wire;
using Xunit;

namespace UefiRecovery.Core.Tests.Protocol.Wire;

/// <summary>PARITY (§4.14) and STATUS BLOCK COUNTS (§4.6, §5.5): layout, round trip, drop rules.</summary>
public class FecCodecTests
{
    private static readonly MessageIds Ids = new MessageIds(0x202, 0x1A2B3C4D, 0x4D414E4147455231);
    private static readonly StatusReport Report = new StatusReport(1, 4, 0, 0, 0x0123456789ABCDEF);

    [Fact]
    public void ParityTryEmit_ThenParse_FieldsAndLayoutAsDocumented()
    {
        byte[] parity = { 1, 2, 3, 4, 5 };
        byte[] buffer = new byte[64];

        Assert.Equal(WireStatus.Ok, ParityMessage.TryEmit(buffer, Ids, 0x01020304, 127, 3, parity, out int written));

        Assert.Equal(32 + 8 + 5, written);
        Assert.Equal((byte)MessageType.Parity, buffer[5]);
        Assert.Equal(0x01020304u, BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(32)));
        Assert.Equal(127, buffer[36]);
        Assert.Equal(0, buffer[37]);
        Assert.Equal(3, BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(38)));
        Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(buffer.AsSpan(0, written), out MessageFrame frame));
        Assert.Equal(WireStatus.Ok, ParityMessage.TryParse(frame, out ParityMessage message));
        Assert.Equal(0x01020304u, message.Block);
        Assert.Equal(127, message.ParityIndex);
        Assert.Equal(3, message.Pass);
        Assert.True(message.Parity.SequenceEqual(parity));
    }

    [Theory]
    [InlineData("parity index 128", 36, 128, WireStatus.BadField)]
    [InlineData("parity index 255", 36, 255, WireStatus.BadField)]
    [InlineData("reserved set", 37, 1, WireStatus.ReservedNotZero)]
    public void ParityTryParse_ForbiddenField_Dropped(string scenario, int offset, byte value, WireStatus expected)
    {
        byte[] buffer = new byte[64];
        Assert.Equal(WireStatus.Ok, ParityMessage.TryEmit(buffer, Ids, 7, 1, 0, new byte[] { 9, 9 }, out int written));
        buffer[offset] = value;
        MessageReemitter.FixCrc(buffer.AsSpan(0, written));

        Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(buffer.AsSpan(0, written), out MessageFrame frame));
        Assert.True(expected == ParityMessage.TryParse(frame, out _), scenario);
    }

    [Fact]
    public void ParityTryParse_NoParityBytes_BadPayloadLength()
    {
        byte[] buffer = new byte[64];
        Assert.Equal(WireStatus.Ok, ParityMessage.TryEmit(buffer, Ids, 7, 1, 0, new byte[] { 9 }, out int written));
        // Cut the one parity byte: 8-byte prefix only.
        BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(MessageHeader.PayloadLengthOffset), 8);
        MessageReemitter.FixCrc(buffer.AsSpan(0, written - 1));

        Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(buffer.AsSpan(0, written - 1), out MessageFrame frame));
        Assert.Equal(WireStatus.BadPayloadLength, ParityMessage.TryParse(frame, out _));
    }

    [Theory]
    [InlineData(128)]
    [InlineData(-1)]
    public void ParityTryEmit_IndexOutOfRange_RefusedNothingWritten(int parityIndex)
    {
        byte[] buffer = new byte[64];
        Assert.Equal(WireStatus.BadField, ParityMessage.TryEmit(buffer, Ids, 7, parityIndex, 0, new byte[] { 9 }, out int written));
        Assert.Equal(0, written);
        Assert.All(buffer, b => Assert.Equal(0, b));
    }

    [Fact]
    public void StatusBlockCounts_EmitThenParse_RoundTrips()
    {
        byte[] counts = { 3, 0, 64, 0x80 | 2, 0x80 };
        byte[] buffer = new byte[128];

        Assert.Equal(WireStatus.Ok, StatusMessage.TryEmitBlockCounts(buffer, Ids, Report, true, 5, counts, out int written));

        Assert.Equal(32 + 28 + 4 + 5, written);
        Assert.Equal(3, buffer[32 + 4]);
        Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(buffer.AsSpan(0, written), out MessageFrame frame));
        Assert.Equal(WireStatus.Ok, StatusMessage.TryParse(frame, out StatusMessage status));
        Assert.Equal(StatusKind.BlockCounts, status.Kind);
        Assert.True(status.HasMore);
        Assert.Equal(5u, status.FirstBlock);
        Assert.True(status.BlockCounts.SequenceEqual(counts));
        Assert.True(status.Bitmap.IsEmpty);
        Assert.Equal(0, status.RangeCount);
    }

    public static TheoryData<string, byte[], uint> BadBlockCounts => new TheoryData<string, byte[], uint>
    {
        { "count above a block", new byte[] { 65 }, 0 },
        { "count above a block with the MANIFEST bit", new byte[] { 0x80 | 65 }, 0 },
        { "other high bits", new byte[] { 0x7F }, 0 },
        { "empty", Array.Empty<byte>(), 0 },
        { "blocks past 2^32 fragments", new byte[] { 1, 1 }, (uint)((1UL << 32) / 64) - 1 },
    };

    [Theory]
    [MemberData(nameof(BadBlockCounts))]
    public void StatusBlockCounts_InvalidCounts_RefusedOnEmitAndParse(string scenario, byte[] counts, uint firstBlock)
    {
        byte[] buffer = new byte[128];
        Assert.True(WireStatus.BadField == StatusMessage.TryEmitBlockCounts(buffer, Ids, Report, false, firstBlock, counts, out int written), scenario);
        Assert.Equal(0, written);
        if (counts.Length == 0)
        {
            return;
        }
        // The same bytes built by hand must be dropped by the parser.
        Assert.Equal(WireStatus.Ok, StatusMessage.TryEmitBlockCounts(buffer, Ids, Report, false, 0, new byte[counts.Length], out written));
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(32 + 28), firstBlock);
        counts.CopyTo(buffer, 32 + 28 + 4);
        MessageReemitter.FixCrc(buffer.AsSpan(0, written));
        Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(buffer.AsSpan(0, written), out MessageFrame frame));
        Assert.True(WireStatus.BadField == StatusMessage.TryParse(frame, out _), scenario);
    }

    [Fact]
    public void ErasureCode_AnnexExampleImage_ParityZeroEqualsThePythonEncoders()
    {
        // annex_examples.py computes parity 0 of the example image (one block of 7 fragments) with shift-and-add
        // GF(2^8) arithmetic from docs/protocol.md §5.5; the C# code uses log/exp tables. Both must agree.
        byte[] image = new byte[10000];
        for (int i = 0; i < image.Length; i++) image[i] = (byte)(i % 251);
        byte[] parity = new byte[1432];

        Assert.Equal(UefiRecovery.Core.Protocol.Fec.FecStatus.Ok, new UefiRecovery.Core.Protocol.Fec.ErasureCode(1, 1432).TryEncode(image, 1432, 0, parity));

        Assert.Equal(ExampleDatagrams.ExampleParityZeroHex, Convert.ToHexString(parity));
        Assert.EndsWith(Convert.ToHexString(parity, 0, 16), ExampleDatagrams.Parity);
    }
}
