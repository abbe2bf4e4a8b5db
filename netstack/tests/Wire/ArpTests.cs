using System;
using UefiRecovery.Netstack.Tests.Support;
using UefiRecovery.Netstack.Wire;
using Xunit;

namespace UefiRecovery.Netstack.Tests.Wire
{
    public class ArpTests
    {
        private static ArpPacket Packet(byte[] frame)
        {
            Assert.True(ArpPacket.TryCreate(frame.AsSpan(14), out ArpPacket p));
            return p;
        }

        [Fact]
        public void Parse_CapturedLinuxRequest_ReadsAllFields()
        {
            Assert.Equal(PacketStatus.Ok, ArpRepr.Parse(Packet(Hex.Bytes(Corpus.LinuxArpRequest)), out ArpRepr arp));
            Assert.Equal(ArpOperation.Request, arp.Operation);
            Assert.Equal(Frames.LinuxMac.Value, arp.SenderHardwareAddress.Value);
            Assert.Equal(Frames.Net2.Value, arp.SenderProtocolAddress.Value);
            Assert.Equal(0UL, arp.TargetHardwareAddress.Value);
            Assert.Equal(Frames.Net1.Value, arp.TargetProtocolAddress.Value);
        }

        [Theory]
        [InlineData(nameof(Corpus.LinuxArpRequest))]
        [InlineData(nameof(Corpus.LinuxArpReply))]
        public void Emit_ParsedCapture_RoundTripsByteForByteIntoA5Buffer(string name)
        {
            byte[] frame = Hex.Bytes(CorpusByName(name));
            Assert.Equal(PacketStatus.Ok, ArpRepr.Parse(Packet(frame), out ArpRepr arp));
            byte[] buffer = new byte[arp.BufferLength];
            Array.Fill(buffer, (byte)0xA5);
            arp.Emit(buffer);
            Assert.Equal(Hex.Of(frame.AsSpan(14)), Hex.Of(buffer));
        }

        [Theory]
        // Hardware type 6 (IEEE 802): not Ethernet.
        [InlineData(14, 0x00, 15, 0x06, PacketStatus.Unsupported)]
        // Protocol type 0x86dd: not IPv4.
        [InlineData(16, 0x86, 17, 0xdd, PacketStatus.Unsupported)]
        // Opcode 3 (RARP request).
        [InlineData(20, 0x00, 21, 0x03, PacketStatus.Unsupported)]
        public void Parse_OtherKinds_Unsupported(int i1, byte v1, int i2, byte v2, PacketStatus expected)
        {
            byte[] frame = Hex.Bytes(Corpus.LinuxArpRequest);
            frame[i1] = v1;
            frame[i2] = v2;
            Assert.Equal(expected, ArpRepr.Parse(Packet(frame), out _));
        }

        [Fact]
        public void TryCreate_DeclaredAddressesLongerThanBuffer_Fails()
        {
            byte[] frame = Hex.Bytes(Corpus.LinuxArpRequest);
            frame[18] = 16; // hlen 16: 8 + 2 * (16 + 4) = 48 > 28
            Assert.False(ArpPacket.TryCreate(frame.AsSpan(14), out _));
        }

        [Fact]
        public void Parse_ShortHardwareLengthThatFits_Malformed()
        {
            byte[] frame = Hex.Bytes(Corpus.LinuxArpRequest);
            frame[18] = 2; // hlen 2: fits, but is not Ethernet's 6
            Assert.True(ArpPacket.TryCreate(frame.AsSpan(14), out ArpPacket p));
            Assert.Equal(PacketStatus.Malformed, ArpRepr.Parse(p, out _));
        }

        internal static string CorpusByName(string name) =>
            (string)typeof(Corpus).GetField(name)!.GetValue(null)!;
    }
}
