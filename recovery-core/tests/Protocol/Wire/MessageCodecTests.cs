using System;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Wire;
using Xunit;

namespace UefiRecovery.Core.Tests.Protocol.Wire;

/// <summary>Annex A examples (docs/protocol.md): parse to the documented values, emit back byte for byte.</summary>
public class MessageCodecTests
{
    private static MessageIds ClientIds(uint messageId) => new MessageIds(messageId, ExampleDatagrams.SessionId, ExampleDatagrams.ClientId);
    private static MessageIds DonorIds(uint messageId) => new MessageIds(messageId, ExampleDatagrams.SessionId, ExampleDatagrams.DonorId);

    private static ImageTypeId ExampleType()
    {
        Assert.True(ImageTypeId.TryRead(Convert.FromHexString(ExampleDatagrams.ImageTypeHex), out ImageTypeId type));
        return type;
    }

    private static StatusReport Report(uint round, uint held) => new StatusReport(round, held, 1, 2, ExampleDatagrams.Token);

    private static string ToHex(Hash128 value)
    {
        byte[] bytes = new byte[Hash128.Length];
        value.Write(bytes);
        return Convert.ToHexString(bytes);
    }

    private static MessageFrame Frame(byte[] datagram)
    {
        Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(datagram, out MessageFrame frame));
        return frame;
    }

    [Theory]
    [MemberData(nameof(ExampleDatagrams.All), MemberType = typeof(ExampleDatagrams))]
    public void ParseAndReemit_AnnexExample_ReproducesBytes(string name, string hex)
    {
        byte[] datagram = ExampleDatagrams.Bytes(hex);
        byte[] output = Filled(datagram.Length);

        WireStatus status = MessageReemitter.ParseAndReemit(datagram, output, out int written);

        Assert.True(status == WireStatus.Ok, name + ": " + status);
        Assert.Equal(datagram.Length, written);
        Assert.Equal(hex, Convert.ToHexString(output));
    }

    [Theory]
    [MemberData(nameof(ExampleDatagrams.All), MemberType = typeof(ExampleDatagrams))]
    public void Reemit_BufferOneByteShort_ReturnsBufferTooSmallAndWritesNothing(string name, string hex)
    {
        byte[] datagram = ExampleDatagrams.Bytes(hex);
        byte[] output = Filled(datagram.Length - 1);

        WireStatus status = MessageReemitter.ParseAndReemit(datagram, output, out int written);

        Assert.True(status == WireStatus.BufferTooSmall, name + ": " + status);
        Assert.Equal(0, written);
        Assert.All(output, b => Assert.Equal(0xA5, b));
    }

    [Theory]
    [MemberData(nameof(ExampleDatagrams.All), MemberType = typeof(ExampleDatagrams))]
    public void Reemit_LargerBuffer_LeavesBytesAfterMessageUntouched(string name, string hex)
    {
        byte[] datagram = ExampleDatagrams.Bytes(hex);
        byte[] output = Filled(datagram.Length + 64);

        Assert.Equal(WireStatus.Ok, MessageReemitter.ParseAndReemit(datagram, output, out int written));

        Assert.True(written == datagram.Length, name);
        Assert.Equal(datagram, output.AsSpan(0, written).ToArray());
        Assert.All(output.AsSpan(written).ToArray(), b => Assert.Equal(0xA5, b));
    }

    [Fact]
    public void FrameTryParse_Request_DecodesHeader()
    {
        MessageFrame frame = Frame(ExampleDatagrams.Bytes(ExampleDatagrams.Request));

        Assert.Equal(MessageType.Request, frame.Type);
        Assert.Equal(0x101u, frame.Header.MessageId);
        Assert.Equal(0u, frame.Header.SessionId);
        Assert.Equal(ExampleDatagrams.ClientId, frame.Header.SenderId);
        Assert.Equal(48, frame.Header.PayloadLength);
        Assert.Equal(0x065B6D32u, frame.Header.Crc);
        Assert.Equal(48, frame.Payload.Length);
    }

    [Fact]
    public void RequestTryParse_Example_DecodesEveryField()
    {
        MessageFrame frame = Frame(ExampleDatagrams.Bytes(ExampleDatagrams.Request));

        Assert.Equal(WireStatus.Ok, RequestMessage.TryParse(frame, out RequestMessage m));
        Assert.True(m.ImageType.Matches(ExampleType()));
        Assert.Equal(0x00010001u, m.CurrentVersion);
        Assert.Equal(0x00010000u, m.LowestAcceptableVersion);
        Assert.Equal(0x525400123456UL, m.MacAddress);
        Assert.Equal(1472, m.MaxDatagram);
        Assert.Equal(0xC0A86414u, m.Ipv4Address);
        Assert.Equal(0UL, m.HeldImageId);
        Assert.Equal(RequestReason.FirmwareInvalid, m.Reason);
        Assert.Equal(DeliveryModes.All, m.DeliveryModes);
    }

    [Fact]
    public void RequestTryEmit_ExampleValues_MatchesAnnex()
    {
        RequestMessage m = new RequestMessage(ExampleType(), 0x00010001, 0x00010000, 0x525400123456, 1472, 0xC0A86414, 0,
            RequestReason.FirmwareInvalid, DeliveryModes.All);
        AssertEmits(ExampleDatagrams.Request, (Span<byte> b, out int n) => m.TryEmit(b, new MessageIds(0x101, 0, ExampleDatagrams.ClientId), out n));
    }

    [Fact]
    public void OfferTryParse_Example_DecodesEveryField()
    {
        MessageFrame frame = Frame(ExampleDatagrams.Bytes(ExampleDatagrams.Offer));

        Assert.Equal(WireStatus.Ok, OfferMessage.TryParse(frame, out OfferMessage m));
        Assert.Equal(0x101u, m.InReplyTo);
        Assert.Equal(ExampleDatagrams.ImageId, m.ImageId);
        Assert.True(m.ImageType.Matches(ExampleType()));
        Assert.Equal(0x00010002u, m.ImageVersion);
        Assert.Equal(0x00010000u, m.LowestSupportedVersion);
        Assert.Equal(10000u, m.Geometry.ImageSize);
        Assert.Equal(1432, m.Geometry.FragmentSize);
        Assert.Equal(7u, m.Geometry.FragmentCount);
        Assert.Equal(1408, m.Geometry.LengthOf(6));
        Assert.Equal(DeliveryMode.Broadcast, m.DeliveryMode);
        Assert.Equal(0xC0A864FFu, m.DeliveryAddress);
        Assert.Equal(ProtocolConstants.ClientPort, m.DeliveryPort);
        Assert.Equal(3, m.DonorLoad);
        Assert.Equal(3, m.Binding.GroupShift);
        Assert.Equal(OfferSignatureKind.None, m.SignatureKind);
        Assert.Equal(ExampleDatagrams.Token, m.Binding.MemberToken);
        Assert.Equal(ExampleDatagrams.ManifestRootHex, ToHex(m.Binding.ManifestRoot));
        Assert.Equal(ExampleDatagrams.AbortCommitmentHex, ToHex(m.Binding.AbortCommitment));
        Assert.Equal(ExampleDatagrams.SessionId, frame.Header.SessionId);
        Assert.Equal(ExampleDatagrams.DonorId, frame.Header.SenderId);
    }

    [Fact]
    public void OfferTryEmit_ExampleValues_MatchesAnnex()
    {
        Assert.True(FragmentGeometry.TryCreate(10000, 1432, 7, out FragmentGeometry g));
        var binding = new OfferBinding(ExampleDatagrams.Token, Hash128.Read(Convert.FromHexString(ExampleDatagrams.ManifestRootHex)), 3,
            Hash128.Read(Convert.FromHexString(ExampleDatagrams.AbortCommitmentHex)));
        OfferMessage m = new OfferMessage(0x101, ExampleDatagrams.ImageId, ExampleType(), 0x00010002, 0x00010000, g,
            DeliveryMode.Broadcast, 0xC0A864FF, ProtocolConstants.ClientPort, 3, binding);
        AssertEmits(ExampleDatagrams.Offer, (Span<byte> b, out int n) => m.TryEmit(b, DonorIds(0x201), out n));
    }

    [Fact]
    public void AcceptTryParse_Example_DecodesEveryField()
    {
        Assert.Equal(WireStatus.Ok, AcceptMessage.TryParse(Frame(ExampleDatagrams.Bytes(ExampleDatagrams.Accept)), out AcceptMessage m));
        Assert.Equal(0x201u, m.InReplyTo);
        Assert.Equal(ExampleDatagrams.ImageId, m.ImageId);
        Assert.Equal(0u, m.FragmentsHeld);
        Assert.Equal(ExampleDatagrams.Token, m.MemberToken);
        AssertEmits(ExampleDatagrams.Accept, (Span<byte> b, out int n) => m.TryEmit(b, ClientIds(0x102), out n));
    }

    [Fact]
    public void DataTryParse_Example_DecodesIndexPassAndFragment()
    {
        byte[] datagram = ExampleDatagrams.Bytes(ExampleDatagrams.Data);
        Assert.Equal(WireStatus.Ok, DataMessage.TryParse(Frame(datagram), out DataMessage m));
        Assert.Equal(3u, m.FragmentIndex);
        Assert.Equal(1, m.Pass);
        Assert.Equal("000102030405060708090A0B0C0D0E0F", Convert.ToHexString(m.Fragment));
        byte[] fragment = m.Fragment.ToArray();
        AssertEmits(ExampleDatagrams.Data, (Span<byte> b, out int n) => DataMessage.TryEmit(b, DonorIds(0x202), 3, 1, fragment, out n));
    }

    [Fact]
    public void StatusRequestTryParse_Example_DecodesEveryField()
    {
        Assert.Equal(WireStatus.Ok, StatusRequestMessage.TryParse(Frame(ExampleDatagrams.Bytes(ExampleDatagrams.StatusRequest)), out StatusRequestMessage m));
        Assert.Equal(1u, m.Round);
        Assert.Equal(500, m.ResponseWindowMs);
        Assert.Equal(128, m.MaxRanges);
        Assert.Equal(0UL, m.TargetClientId);
        AssertEmits(ExampleDatagrams.StatusRequest, (Span<byte> b, out int n) => m.TryEmit(b, DonorIds(0x203), out n));
    }

    [Fact]
    public void StatusTryParse_RangesExample_DecodesRanges()
    {
        Assert.Equal(WireStatus.Ok, StatusMessage.TryParse(Frame(ExampleDatagrams.Bytes(ExampleDatagrams.StatusRanges)), out StatusMessage m));
        Assert.Equal(StatusKind.NackRanges, m.Kind);
        Assert.Equal(1u, m.Round);
        Assert.False(m.HasMore);
        Assert.Equal(4u, m.FragmentsHeld);
        Assert.Equal(1u, m.CorruptedCount);
        Assert.Equal(2u, m.ForgedCount);
        Assert.Equal(ExampleDatagrams.Token, m.MemberToken);
        Assert.Equal(2, m.RangeCount);
        Assert.Equal(1u, m.GetRange(0).First);
        Assert.Equal(1u, m.GetRange(0).Count);
        Assert.Equal(4u, m.GetRange(1).First);
        Assert.Equal(2u, m.GetRange(1).Count);
        NackRange[] ranges = { new NackRange(1, 1), new NackRange(4, 2) };
        AssertEmits(ExampleDatagrams.StatusRanges,
            (Span<byte> b, out int n) => StatusMessage.TryEmitRanges(b, ClientIds(0x103), Report(1, 4), false, ranges, out n));
    }

    [Fact]
    public void StatusTryParse_CompleteExample_HasNoBody()
    {
        Assert.Equal(WireStatus.Ok, StatusMessage.TryParse(Frame(ExampleDatagrams.Bytes(ExampleDatagrams.StatusComplete)), out StatusMessage m));
        Assert.Equal(StatusKind.Complete, m.Kind);
        Assert.Equal(2u, m.Round);
        Assert.Equal(7u, m.FragmentsHeld);
        Assert.Equal(0, m.RangeCount);
        Assert.True(m.Bitmap.IsEmpty);
        AssertEmits(ExampleDatagrams.StatusComplete,
            (Span<byte> b, out int n) => StatusMessage.TryEmitComplete(b, ClientIds(0x104), Report(2, 7), out n));
    }

    [Fact]
    public void StatusTryParse_BitmapExample_DecodesWindow()
    {
        Assert.Equal(WireStatus.Ok, StatusMessage.TryParse(Frame(ExampleDatagrams.Bytes(ExampleDatagrams.StatusBitmap)), out StatusMessage m));
        Assert.Equal(StatusKind.NackBitmap, m.Kind);
        Assert.Equal(0u, m.BitmapWindowStart);
        Assert.Equal("32", Convert.ToHexString(m.Bitmap));
        // 0x32 = bits 1, 4, 5: the same fragments as the ranges example.
        AssertEmits(ExampleDatagrams.StatusBitmap,
            (Span<byte> b, out int n) => StatusMessage.TryEmitBitmap(b, ClientIds(0x105), Report(1, 4), false, 0, new byte[] { 0x32 }, out n));
    }

    [Fact]
    public void ResultTryParse_Example_DecodesEveryField()
    {
        Assert.Equal(WireStatus.Ok, ResultMessage.TryParse(Frame(ExampleDatagrams.Bytes(ExampleDatagrams.Result)), out ResultMessage m));
        Assert.Equal(ExampleDatagrams.ImageId, m.ImageId);
        Assert.Equal(ResultOutcome.Success, m.Outcome);
        Assert.Equal(ResultReason.None, m.Reason);
        Assert.Equal(0x00010002u, m.FirmwareVersion);
        Assert.Equal(ExampleDatagrams.Token, m.MemberToken);
        AssertEmits(ExampleDatagrams.Result, (Span<byte> b, out int n) => m.TryEmit(b, ClientIds(0x106), out n));
    }

    [Fact]
    public void ResultAckAndAbortTryParse_Examples_DecodeFields()
    {
        Assert.Equal(WireStatus.Ok, ResultAckMessage.TryParse(Frame(ExampleDatagrams.Bytes(ExampleDatagrams.ResultAck)), out ResultAckMessage ack));
        Assert.Equal(0x106u, ack.InReplyTo);
        Assert.Equal(ExampleDatagrams.Token, ack.MemberToken);
        Assert.Equal(WireStatus.Ok, AbortMessage.TryParse(Frame(ExampleDatagrams.Bytes(ExampleDatagrams.Abort)), out AbortMessage abort));
        Assert.Equal(AbortReason.DonorShutdown, abort.Reason);
        Assert.Equal(ExampleDatagrams.Token, abort.MemberToken);
        Assert.Equal(ExampleDatagrams.AbortKeyHex, ToHex(abort.AbortKey));
        AssertEmits(ExampleDatagrams.ResultAck, (Span<byte> b, out int n) => ack.TryEmit(b, DonorIds(0x204), out n));
        AssertEmits(ExampleDatagrams.Abort, (Span<byte> b, out int n) => abort.TryEmit(b, DonorIds(0x205), out n));
    }

    [Fact]
    public void TypedTryParse_OtherType_ReturnsWrongType()
    {
        MessageFrame frame = Frame(ExampleDatagrams.Bytes(ExampleDatagrams.Accept));

        Assert.Equal(WireStatus.WrongType, RequestMessage.TryParse(frame, out _));
        Assert.Equal(WireStatus.WrongType, OfferMessage.TryParse(frame, out _));
        Assert.Equal(WireStatus.WrongType, DataMessage.TryParse(frame, out _));
        Assert.Equal(WireStatus.WrongType, StatusRequestMessage.TryParse(frame, out _));
        Assert.Equal(WireStatus.WrongType, StatusMessage.TryParse(frame, out _));
        Assert.Equal(WireStatus.WrongType, ResultMessage.TryParse(frame, out _));
        Assert.Equal(WireStatus.WrongType, ResultAckMessage.TryParse(frame, out _));
        Assert.Equal(WireStatus.WrongType, AbortMessage.TryParse(frame, out _));
    }

    [Fact]
    public void ImageTypeId_EfiGuidRoundTrip_KeepsBytes()
    {
        ImageTypeId type = ExampleType();
        Common.EfiGuid guid = type.ToGuid();

        Assert.Equal(0x6E3C1A1Bu, guid.Data1);
        Assert.Equal((ushort)0x3F4D, guid.Data2);
        Assert.True(ImageTypeId.FromGuid(guid).Matches(type));
    }

    internal delegate WireStatus Emitter(Span<byte> buffer, out int written);

    /// <summary>Emits into an exactly sized 0xA5-filled buffer (any byte left unwritten would show) and compares.</summary>
    private static void AssertEmits(string expectedHex, Emitter emit)
    {
        byte[] buffer = Filled(expectedHex.Length / 2);
        Assert.Equal(WireStatus.Ok, emit(buffer, out int written));
        Assert.Equal(buffer.Length, written);
        Assert.Equal(expectedHex, Convert.ToHexString(buffer));
    }

    internal static byte[] Filled(int length)
    {
        byte[] buffer = new byte[length];
        Array.Fill(buffer, (byte)0xA5);
        return buffer;
    }
}
