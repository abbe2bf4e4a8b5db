using System;
using UefiRecovery.Netstack.Tests.Support;
using UefiRecovery.Netstack.Wire;
using Xunit;

namespace UefiRecovery.Netstack.Tests.Wire
{
    public class IcmpTests
    {
        private static byte[] IcmpOf(string frameHex) => Hex.Bytes(frameHex).AsSpan(34).ToArray();

        [Fact]
        public void Parse_CapturedEchoRequest_ReadsIdAndSequence()
        {
            Assert.True(IcmpPacket.TryCreate(IcmpOf(Corpus.LinuxEchoRequest), out IcmpPacket p));
            Assert.Equal(PacketStatus.Ok, IcmpEchoRepr.Parse(p, out IcmpEchoRepr echo));
            Assert.True(echo.IsRequest);
            Assert.Equal(17890, echo.Identifier);
            Assert.Equal(1, echo.SequenceNumber);
            Assert.Equal(56, echo.DataLength);
        }

        [Fact]
        public void Emit_ReplyToCapturedRequest_EqualsLinuxReplyByteForByte()
        {
            IcmpPacket.TryCreate(IcmpOf(Corpus.LinuxEchoRequest), out IcmpPacket request);
            IcmpEchoRepr.Parse(request, out IcmpEchoRepr echo);
            var reply = new IcmpEchoRepr(false, echo.Identifier, echo.SequenceNumber, echo.DataLength);
            byte[] buffer = new byte[reply.BufferLength];
            Array.Fill(buffer, (byte)0xA5);
            request.Data.CopyTo(buffer.AsSpan(8));
            reply.Emit(buffer);
            Assert.Equal(Hex.Of(IcmpOf(Corpus.LinuxEchoReply)), Hex.Of(buffer));
        }

        [Fact]
        public void Parse_PortUnreachable_Unsupported()
        {
            IcmpPacket.TryCreate(IcmpOf(Corpus.LinuxIcmpPortUnreachable), out IcmpPacket p);
            Assert.Equal(3, p.Type);
            Assert.Equal(PacketStatus.Unsupported, IcmpEchoRepr.Parse(p, out _));
        }

        [Fact]
        public void Parse_CorruptedData_BadChecksum()
        {
            byte[] icmp = IcmpOf(Corpus.LinuxEchoRequest);
            icmp[20] ^= 0x40;
            IcmpPacket.TryCreate(icmp, out IcmpPacket p);
            Assert.Equal(PacketStatus.BadChecksum, IcmpEchoRepr.Parse(p, out _));
        }

        [Theory]
        [InlineData(0)]
        [InlineData(7)]
        public void TryCreate_ShorterThanHeader_Fails(int length)
        {
            Assert.False(IcmpPacket.TryCreate(IcmpOf(Corpus.LinuxEchoRequest).AsSpan(0, length), out _));
        }
    }
}
