using System;
using UefiRecovery.Netstack.Tests.Support;
using UefiRecovery.Netstack.Wire;
using Xunit;

namespace UefiRecovery.Netstack.Tests.Wire
{
    public class EthernetFrameTests
    {
        [Fact]
        public void TryCreate_CapturedArpRequest_ReadsHeader()
        {
            Assert.True(EthernetFrame.TryCreate(Hex.Bytes(Corpus.LinuxArpRequest), out EthernetFrame frame));
            Assert.True(frame.Destination.IsBroadcast);
            Assert.Equal(0x020000770002UL, frame.Source.Value);
            Assert.Equal(EtherType.Arp, frame.EtherType);
            Assert.Equal(28, frame.Payload.Length);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(13)]
        public void TryCreate_ShorterThanHeader_Fails(int length)
        {
            byte[] frame = Hex.Bytes(Corpus.LinuxArpRequest);
            Assert.False(EthernetFrame.TryCreate(frame.AsSpan(0, length), out _));
        }

        [Fact]
        public void TryCreate_UnknownEtherType_KeepsRawValue()
        {
            byte[] frame = Hex.Bytes(Corpus.LinuxArpRequest);
            frame[12] = 0x88; frame[13] = 0xcc; // LLDP
            Assert.True(EthernetFrame.TryCreate(frame, out EthernetFrame f));
            Assert.Equal(0x88cc, (int)f.EtherType);
        }

        [Fact]
        public void Emit_IntoA5Buffer_WritesExactlyTheCapturedHeader()
        {
            byte[] captured = Hex.Bytes(Corpus.LinuxEchoReply);
            EthernetFrame.TryCreate(captured, out EthernetFrame frame);
            EthernetRepr repr = EthernetRepr.Parse(frame);
            byte[] buffer = new byte[repr.BufferLength];
            Array.Fill(buffer, (byte)0xA5);
            repr.Emit(buffer);
            Assert.Equal(Hex.Of(captured.AsSpan(0, 14)), Hex.Of(buffer));
        }

        [Fact]
        public void FromIpv4Multicast_Rfc1112Example_MapsLow23Bits()
        {
            // RFC 1112 §6.4: 224.255.1.2 and 224.127.1.2 share 01-00-5E-7F-01-02.
            Assert.Equal(0x01005E7F0102UL, MacAddress.FromIpv4Multicast(Ipv4Address.FromBytes(224, 255, 1, 2)).Value);
            Assert.Equal(0x01005E7F0102UL, MacAddress.FromIpv4Multicast(Ipv4Address.FromBytes(224, 127, 1, 2)).Value);
            Assert.True(MacAddress.FromIpv4Multicast(Ipv4Address.FromBytes(239, 1, 2, 3)).IsMulticast);
        }
    }
}
