using System;
using UefiRecovery.Netstack.Tests.Support;
using UefiRecovery.Netstack.Wire;
using Xunit;

namespace UefiRecovery.Netstack.Tests.Wire
{
    public class Ipv4Tests
    {
        private static byte[] IpOf(string frameHex) => Hex.Bytes(frameHex).AsSpan(14).ToArray();

        private static void FixHeaderChecksum(byte[] ip)
        {
            int ihl = (ip[0] & 0xF) * 4;
            ip[10] = 0; ip[11] = 0;
            ushort c = Checksum.Compute(ip.AsSpan(0, ihl));
            ip[10] = (byte)(c >> 8); ip[11] = (byte)c;
        }

        [Fact]
        public void Parse_CapturedEchoRequest_ReadsHeader()
        {
            Assert.True(Ipv4Packet.TryCreate(IpOf(Corpus.LinuxEchoRequest), out Ipv4Packet p));
            Assert.Equal(PacketStatus.Ok, Ipv4Repr.Parse(p, out Ipv4Repr ip));
            Assert.Equal(Frames.Net2.Value, ip.Source.Value);
            Assert.Equal(Frames.Net1.Value, ip.Destination.Value);
            Assert.Equal(IpProtocol.Icmp, ip.Protocol);
            Assert.Equal(64, ip.PayloadLength);
            Assert.Equal(64, ip.TimeToLive);
            Assert.Equal(0x093b, ip.Identification);
            Assert.True(p.DontFragment);
        }

        [Fact]
        public void Emit_ParsedCapturedEchoRequest_RoundTripsHeaderIntoA5Buffer()
        {
            byte[] ipBytes = IpOf(Corpus.LinuxEchoRequest);
            Ipv4Packet.TryCreate(ipBytes, out Ipv4Packet p);
            Ipv4Repr.Parse(p, out Ipv4Repr ip);
            byte[] buffer = new byte[ip.HeaderLength];
            Array.Fill(buffer, (byte)0xA5);
            ip.Emit(buffer);
            Assert.Equal(Hex.Of(ipBytes.AsSpan(0, 20)), Hex.Of(buffer));
        }

        [Fact]
        public void TryCreate_EthernetPadding_IsTrimmedToTotalLength()
        {
            byte[] ip = IpOf(Corpus.LinuxUdpDatagram);
            byte[] padded = new byte[ip.Length + 12];
            ip.CopyTo(padded, 0);
            Assert.True(Ipv4Packet.TryCreate(padded, out Ipv4Packet p));
            Assert.Equal(ip.Length, p.TotalLength);
            Assert.Equal(ip.Length - 20, p.Payload.Length);
        }

        [Theory]
        [InlineData(0x44)] // IHL 4: below the minimum of 5 words
        [InlineData(0x4F)] // IHL 15: 60-byte header runs past a 48-byte datagram
        public void TryCreate_BadHeaderLength_Fails(byte versionIhl)
        {
            byte[] ip = IpOf(Corpus.LinuxUdpDatagram);
            ip[0] = versionIhl;
            Assert.False(Ipv4Packet.TryCreate(ip, out _));
        }

        [Theory]
        [InlineData(0x00, 0x13)] // total length 19 < header length
        [InlineData(0x00, 0x31)] // total length 49 > 48 bytes present
        [InlineData(0xFF, 0xFF)]
        public void TryCreate_BadTotalLength_Fails(byte hi, byte lo)
        {
            byte[] ip = IpOf(Corpus.LinuxUdpDatagram);
            ip[2] = hi; ip[3] = lo;
            Assert.False(Ipv4Packet.TryCreate(ip, out _));
        }

        [Fact]
        public void Parse_CorruptedHeaderChecksum_BadChecksum()
        {
            byte[] ip = IpOf(Corpus.LinuxEchoRequest);
            ip[8] ^= 1; // TTL changed without fixing the checksum
            Ipv4Packet.TryCreate(ip, out Ipv4Packet p);
            Assert.Equal(PacketStatus.BadChecksum, Ipv4Repr.Parse(p, out _));
        }

        [Theory]
        [InlineData(0x20, 0x00)] // More Fragments, offset 0: first fragment
        [InlineData(0x00, 0x10)] // offset 16 * 8: last fragment
        public void Parse_Fragment_Fragmented(byte hi, byte lo)
        {
            byte[] ip = IpOf(Corpus.LinuxUdpDatagram);
            ip[6] = hi; ip[7] = lo;
            FixHeaderChecksum(ip);
            Ipv4Packet.TryCreate(ip, out Ipv4Packet p);
            Assert.Equal(PacketStatus.Fragmented, Ipv4Repr.Parse(p, out _));
        }

        [Fact]
        public void Parse_Version6_BadValue()
        {
            byte[] ip = IpOf(Corpus.LinuxUdpDatagram);
            ip[0] = 0x65;
            FixHeaderChecksum(ip);
            Ipv4Packet.TryCreate(ip, out Ipv4Packet p);
            Assert.Equal(PacketStatus.BadValue, Ipv4Repr.Parse(p, out _));
        }

        /// <summary>Inserts a 4-byte option area after the fixed header (IHL 6).</summary>
        private static byte[] WithOptions(string o)
        {
            byte[] ip = IpOf(Corpus.LinuxUdpDatagram);
            byte[] options = Hex.Bytes(o);
            byte[] result = new byte[ip.Length + 4];
            ip.AsSpan(0, 20).CopyTo(result);
            options.CopyTo(result, 20);
            ip.AsSpan(20).CopyTo(result.AsSpan(24));
            result[0] = 0x46;
            result[3] += 4;
            FixHeaderChecksum(result);
            return result;
        }

        [Theory]
        // Router Alert, RFC 2113 §2.1: 94 04 0000.
        [InlineData("94040000", PacketStatus.Ok)]
        [InlineData("01010100", PacketStatus.Ok)] // NOPs then End of List
        // Record Route (RFC 791 type 7) with length 4: valid but not accepted.
        [InlineData("07040400", PacketStatus.UnsupportedOption)]
        [InlineData("07090400", PacketStatus.Malformed)] // option length past the header
        [InlineData("01010107", PacketStatus.Malformed)] // option type without a length byte
        [InlineData("94010000", PacketStatus.Malformed)] // option length below 2
        public void Parse_Options_AcceptsOnlyHarmlessOnes(string options, PacketStatus expected)
        {
            Assert.True(Ipv4Packet.TryCreate(WithOptions(options), out Ipv4Packet p));
            Assert.Equal(expected, Ipv4Repr.Parse(p, out Ipv4Repr ip));
            if (expected == PacketStatus.Ok) Assert.Equal(28, ip.PayloadLength);
        }
    }
}
