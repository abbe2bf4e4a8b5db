using System;
using UefiRecovery.Netstack.Tests.Support;
using UefiRecovery.Netstack.Wire;
using Xunit;

namespace UefiRecovery.Netstack.Tests.Wire
{
    public class UdpTests
    {
        private static byte[] UdpOf(string frameHex) => Hex.Bytes(frameHex).AsSpan(34).ToArray();

        [Fact]
        public void Parse_CapturedLinuxDatagram_ReadsPortsAndPayload()
        {
            Assert.True(UdpPacket.TryCreate(UdpOf(Corpus.LinuxUdpDatagram), out UdpPacket p));
            Assert.Equal(PacketStatus.Ok, UdpRepr.Parse(p, Frames.Net2, Frames.Net1, out UdpRepr udp));
            Assert.Equal(60258, udp.SourcePort);
            Assert.Equal(5000, udp.DestinationPort);
            Assert.Equal("hello from linux udp", System.Text.Encoding.ASCII.GetString(p.Payload));
        }

        [Fact]
        public void Emit_ParsedCapture_RoundTripsWithSameChecksumIntoA5Buffer()
        {
            byte[] captured = UdpOf(Corpus.LinuxUdpDatagram);
            UdpPacket.TryCreate(captured, out UdpPacket p);
            UdpRepr.Parse(p, Frames.Net2, Frames.Net1, out UdpRepr udp);
            byte[] buffer = new byte[udp.BufferLength];
            Array.Fill(buffer, (byte)0xA5);
            p.Payload.CopyTo(buffer.AsSpan(8));
            udp.Emit(buffer, Frames.Net2, Frames.Net1);
            Assert.Equal(Hex.Of(captured), Hex.Of(buffer));
        }

        [Fact]
        public void Parse_ZeroChecksum_AcceptedAsNotComputed()
        {
            // RFC 768: "An all zero transmitted checksum value means that the transmitter generated no checksum".
            byte[] udpBytes = UdpOf(Corpus.LinuxUdpDatagram);
            udpBytes[6] = 0; udpBytes[7] = 0;
            udpBytes[10] ^= 0xFF; // payload change would otherwise fail the checksum
            UdpPacket.TryCreate(udpBytes, out UdpPacket p);
            Assert.Equal(PacketStatus.Ok, UdpRepr.Parse(p, Frames.Net2, Frames.Net1, out _));
        }

        [Fact]
        public void Parse_CorruptedPayload_BadChecksum()
        {
            byte[] udpBytes = UdpOf(Corpus.LinuxUdpDatagram);
            udpBytes[10] ^= 0x01;
            UdpPacket.TryCreate(udpBytes, out UdpPacket p);
            Assert.Equal(PacketStatus.BadChecksum, UdpRepr.Parse(p, Frames.Net2, Frames.Net1, out _));
        }

        [Fact]
        public void Parse_WrongPseudoHeaderAddress_BadChecksum()
        {
            UdpPacket.TryCreate(UdpOf(Corpus.LinuxUdpDatagram), out UdpPacket p);
            Assert.Equal(PacketStatus.BadChecksum, UdpRepr.Parse(p, Frames.Net2, Ipv4Address.FromBytes(10, 77, 0, 3), out _));
        }

        [Theory]
        [InlineData(0, 7)]      // Length below the header size
        [InlineData(0, 29)]     // Length one past the 28 bytes present
        [InlineData(0xFF, 0xFF)]
        public void TryCreate_BadLengthField_Fails(byte hi, byte lo)
        {
            byte[] udpBytes = UdpOf(Corpus.LinuxUdpDatagram);
            udpBytes[4] = hi; udpBytes[5] = lo;
            Assert.False(UdpPacket.TryCreate(udpBytes, out _));
        }

        [Fact]
        public void TryCreate_ShorterLengthField_TrimsPayload()
        {
            byte[] udpBytes = UdpOf(Corpus.LinuxUdpDatagram);
            udpBytes[5] = 13; // 5 payload bytes
            Assert.True(UdpPacket.TryCreate(udpBytes, out UdpPacket p));
            Assert.Equal(5, p.Payload.Length);
        }

        [Fact]
        public void Emit_ChecksumComputesToZero_SendsAllOnes()
        {
            // Choose a 2-byte payload that makes the one's-complement sum 0xFFFF, so the computed checksum is 0.
            var src = Frames.Net2; var dst = Frames.Net1;
            var repr = new UdpRepr(1000, 2000, 2);
            byte[] d = new byte[10];
            repr.Emit(d, src, dst);
            d[6] = 0; d[7] = 0;
            uint partial = Checksum.Accumulate(Checksum.PseudoHeader(src, dst, 17, 10), d.AsSpan(0, 8));
            ushort word = (ushort)(0xFFFF - partial);
            d[8] = (byte)(word >> 8); d[9] = (byte)word;
            repr.Emit(d, src, dst);
            Assert.Equal(0xFF, d[6]);
            Assert.Equal(0xFF, d[7]);
            UdpPacket.TryCreate(d, out UdpPacket p);
            Assert.Equal(PacketStatus.Ok, UdpRepr.Parse(p, src, dst, out _));
        }
    }
}
