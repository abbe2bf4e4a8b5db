using System;
using UefiRecovery.Netstack.Tests.Support;
using UefiRecovery.Netstack.Wire;
using Xunit;

namespace UefiRecovery.Netstack.Tests.Wire
{
    public class DhcpTests
    {
        /// <summary>The DHCP message inside a captured frame (Ethernet 14 + IPv4 20 + UDP 8).</summary>
        internal static byte[] DhcpOf(string frameHex)
        {
            byte[] frame = Hex.Bytes(frameHex);
            int udpLength = (frame[38] << 8) | frame[39];
            return frame.AsSpan(42, udpLength - 8).ToArray();
        }

        private static DhcpRepr ParseOk(byte[] message)
        {
            Assert.True(DhcpMessage.TryCreate(message, out DhcpMessage m));
            Assert.Equal(PacketStatus.Ok, DhcpRepr.Parse(m, out DhcpRepr repr));
            return repr;
        }

        [Fact]
        public void Parse_DnsmasqOffer_ReadsLeaseAndVendorOption()
        {
            DhcpRepr offer = ParseOk(DhcpOf(Corpus.DnsmasqDhcpOffer));
            Assert.Equal(DhcpMessageType.Offer, offer.MessageType);
            Assert.True(offer.IsReply);
            Assert.Equal(0x3903F326u, offer.TransactionId);
            Assert.Equal(Frames.LinuxMac.Value, offer.ClientHardwareAddress.Value);
            Assert.Equal(Ipv4Address.FromBytes(10, 77, 0, 59).Value, offer.YourAddress.Value);
            Assert.Equal(Frames.Net1.Value, offer.ServerIdentifier.Value);
            Assert.Equal(Frames.Mask24.Value, offer.SubnetMask.Value);
            Assert.Equal(Frames.Net1.Value, offer.Router.Value);
            Assert.Equal(600u, offer.LeaseTime);
            Assert.Equal(300u, offer.RenewalTime);
            Assert.Equal(525u, offer.RebindingTime);
            // dnsmasq: --dhcp-option=vendor:UefiRecovery,1,10.77.0.1 and ...,2,01:bb
            Assert.Equal(Frames.Net1.Value, offer.ManagerAddress.Value);
            Assert.Equal(443, offer.ManagerPort);
        }

        [Fact]
        public void Parse_DnsmasqNak_ReadsType()
        {
            DhcpRepr nak = ParseOk(DhcpOf(Corpus.DnsmasqDhcpNak));
            Assert.Equal(DhcpMessageType.Nak, nak.MessageType);
            Assert.Equal(0x3903F327u, nak.TransactionId);
        }

        [Fact]
        public void Parse_ScapyDiscover_ReadsClientFields()
        {
            DhcpRepr discover = ParseOk(DhcpOf(Corpus.ScapyDhcpDiscover));
            Assert.Equal(DhcpMessageType.Discover, discover.MessageType);
            Assert.False(discover.IsReply);
            Assert.True(discover.Broadcast);
        }

        [Theory]
        [InlineData(nameof(Corpus.DnsmasqDhcpOffer))]
        [InlineData(nameof(Corpus.DnsmasqDhcpAck))]
        [InlineData(nameof(Corpus.DnsmasqDhcpNak))]
        [InlineData(nameof(Corpus.ScapyDhcpDiscover))]
        [InlineData(nameof(Corpus.ScapyDhcpRequest))]
        public void Emit_ParsedCapture_ParsesBackToSameRepr(string name)
        {
            DhcpRepr first = ParseOk(DhcpOf(ArpTests.CorpusByName(name)));
            byte[] buffer = new byte[first.BufferLength];
            Array.Fill(buffer, (byte)0xA5);
            first.Emit(buffer);
            Assert.DoesNotContain((byte)0xA5, buffer);
            DhcpRepr second = ParseOk(buffer);
            Assert.Equal(first, second);
        }

        [Fact]
        public void Emit_Discover_HasBootpMinimumLengthAndClientOptions()
        {
            var mac = Frames.LinuxMac;
            DhcpRepr discover = DhcpRepr.ClientMessage(DhcpMessageType.Discover, 0x01020304, 3, true, mac,
                Ipv4Address.Unspecified, Ipv4Address.Unspecified, Ipv4Address.Unspecified);
            byte[] buffer = new byte[discover.BufferLength];
            Array.Fill(buffer, (byte)0xA5);
            discover.Emit(buffer);
            Assert.Equal(300, buffer.Length);
            Assert.DoesNotContain((byte)0xA5, buffer);
            // op, htype, hlen, hops, xid, secs, flags (RFC 2131 figure 1).
            Assert.Equal("0101060001020304" + "00038000", Hex.Of(buffer.AsSpan(0, 12)));
            Assert.Equal("63825363", Hex.Of(buffer.AsSpan(236, 4)));
            Assert.Equal("350101", Hex.Of(buffer.AsSpan(240, 3)));
            Assert.Contains("3c0c" + Hex.Of("UefiRecovery"u8), Hex.Of(buffer));
        }

        [Fact]
        public void TryCreate_TooShortForCookie_Fails()
        {
            byte[] message = DhcpOf(Corpus.DnsmasqDhcpOffer);
            Assert.False(DhcpMessage.TryCreate(message.AsSpan(0, 239), out _));
        }

        [Fact]
        public void Parse_BadCookie_Unsupported()
        {
            byte[] message = DhcpOf(Corpus.DnsmasqDhcpOffer);
            message[239] ^= 1;
            DhcpMessage.TryCreate(message, out DhcpMessage m);
            Assert.Equal(PacketStatus.Unsupported, DhcpRepr.Parse(m, out _));
        }

        private static byte[] WithOptions(string optionsHex)
        {
            byte[] message = DhcpOf(Corpus.DnsmasqDhcpOffer);
            byte[] options = Hex.Bytes(optionsHex);
            byte[] result = new byte[240 + options.Length];
            message.AsSpan(0, 240).CopyTo(result);
            options.CopyTo(result, 240);
            return result;
        }

        [Theory]
        [InlineData("350102ff", PacketStatus.Ok)]
        [InlineData("350102", PacketStatus.Ok)]                 // no End: the area simply ends
        [InlineData("00003501020000ff", PacketStatus.Ok)]       // Pad bytes anywhere
        [InlineData("ff350102", PacketStatus.Unsupported)]      // End before the message type: plain BOOTP
        [InlineData("3501", PacketStatus.Malformed)]            // length byte missing
        [InlineData("350502", PacketStatus.Malformed)]          // length past the end
        [InlineData("35020202ff", PacketStatus.Malformed)]      // message type must be one byte
        [InlineData("350109ff", PacketStatus.Unsupported)]      // message type 9 is not DHCPv4 (RFC 2132 §9.6 lists 1-8)
        [InlineData("35010201030a0000ff", PacketStatus.Malformed)] // subnet mask of 3 bytes
        [InlineData("35010203050a000001ff", PacketStatus.Malformed)] // router list not a multiple of 4
        [InlineData("350102" + "2b0601040a4d0001" + "ff", PacketStatus.Ok)]
        [InlineData("350102" + "2b06010300000000" + "ff", PacketStatus.Malformed)] // manager address sub-option of 3 bytes
        [InlineData("350102" + "2b03010801" + "ff", PacketStatus.Malformed)]       // sub-option runs past option 43
        [InlineData("350102" + "2b04630201bb" + "ff", PacketStatus.Ok)]             // unknown sub-option 99 skipped
        public void Parse_OptionArea_ValidatesEveryLength(string options, PacketStatus expected)
        {
            DhcpMessage.TryCreate(WithOptions(options), out DhcpMessage m);
            Assert.Equal(expected, DhcpRepr.Parse(m, out _));
        }

        [Fact]
        public void Parse_VendorSubOptions_ReadsManagerAddress()
        {
            DhcpMessage.TryCreate(WithOptions("350102" + "2b0a0202c350" + "01040a4d0009" + "ff"), out DhcpMessage m);
            Assert.Equal(PacketStatus.Ok, DhcpRepr.Parse(m, out DhcpRepr repr));
            Assert.Equal(Ipv4Address.FromBytes(10, 77, 0, 9).Value, repr.ManagerAddress.Value);
            Assert.Equal(50000, repr.ManagerPort);
        }
    }
}
