using System;
using UefiRecovery.Netstack.Tests.Support;
using UefiRecovery.Netstack.Wire;
using Xunit;

namespace UefiRecovery.Netstack.Tests.Wire
{
    public class IgmpTests
    {
        private static readonly Ipv4Address Group = Ipv4Address.FromBytes(239, 1, 2, 3);

        private static (Ipv4Repr, IgmpRepr, int) Parse(string frameHex)
        {
            byte[] frame = Hex.Bytes(frameHex);
            Assert.True(Ipv4Packet.TryCreate(frame.AsSpan(14), out Ipv4Packet ip));
            Assert.Equal(PacketStatus.Ok, Ipv4Repr.Parse(ip, out Ipv4Repr ipRepr));
            Assert.True(IgmpPacket.TryCreate(ip.Payload, out IgmpPacket igmp));
            Assert.Equal(PacketStatus.Ok, IgmpRepr.Parse(igmp, out IgmpRepr repr));
            return (ipRepr, repr, ip.HeaderLength);
        }

        [Fact]
        public void Parse_CapturedLinuxReport_RouterAlertAndGroup()
        {
            var (ip, igmp, headerLength) = Parse(Corpus.LinuxIgmpV2Report);
            Assert.Equal(24, headerLength);
            Assert.True(ip.RouterAlert);
            Assert.Equal(1, ip.TimeToLive);
            Assert.Equal(0xC0, ip.TypeOfService);
            Assert.Equal(IpProtocol.Igmp, ip.Protocol);
            Assert.Equal(IgmpMessageType.MembershipReportV2, igmp.Type);
            Assert.Equal(Group.Value, igmp.GroupAddress.Value);
        }

        [Theory]
        [InlineData(nameof(Corpus.LinuxBridgeIgmpGroupQuery), 10, true)]
        [InlineData(nameof(Corpus.LinuxBridgeIgmpGeneralQuery), 100, false)]
        public void Parse_CapturedBridgeQueries_MaxResponseAndGroup(string name, int maxResponse, bool groupSpecific)
        {
            var (_, igmp, _) = Parse(ArpTests.CorpusByName(name));
            Assert.Equal(IgmpMessageType.MembershipQuery, igmp.Type);
            Assert.Equal(maxResponse, igmp.MaxResponseTime);
            Assert.Equal(groupSpecific ? Group.Value : 0u, igmp.GroupAddress.Value);
        }

        [Theory]
        [InlineData(nameof(Corpus.LinuxIgmpV2Report))]
        [InlineData(nameof(Corpus.LinuxIgmpLeave))]
        [InlineData(nameof(Corpus.LinuxBridgeIgmpGeneralQuery))]
        public void Emit_ParsedCapture_IpHeaderWithRouterAlertAndIgmpRoundTripIntoA5Buffer(string name)
        {
            byte[] frame = Hex.Bytes(ArpTests.CorpusByName(name));
            var (ip, igmp, _) = Parse(ArpTests.CorpusByName(name));
            byte[] buffer = new byte[ip.BufferLength];
            Array.Fill(buffer, (byte)0xA5);
            ip.Emit(buffer);
            igmp.Emit(buffer.AsSpan(ip.HeaderLength));
            Assert.Equal(Hex.Of(frame.AsSpan(14)), Hex.Of(buffer));
        }

        [Fact]
        public void Parse_CorruptedGroup_BadChecksum()
        {
            byte[] frame = Hex.Bytes(Corpus.LinuxIgmpV2Report);
            frame[45] ^= 1;
            Ipv4Packet.TryCreate(frame.AsSpan(14), out Ipv4Packet ip);
            IgmpPacket.TryCreate(ip.Payload, out IgmpPacket igmp);
            Assert.Equal(PacketStatus.BadChecksum, IgmpRepr.Parse(igmp, out _));
        }

        [Fact]
        public void Parse_IgmpV3Report_Unsupported()
        {
            // RFC 3376 §4.2: type 0x22, one group record (MODE_IS_EXCLUDE 239.1.2.3, no sources).
            byte[] v3 = Hex.Bytes("2200" + "0000" + "00000001" + "02000000" + "ef010203");
            ushort c = Checksum.Compute(v3);
            v3[2] = (byte)(c >> 8); v3[3] = (byte)c;
            Assert.True(IgmpPacket.TryCreate(v3, out IgmpPacket igmp));
            Assert.Equal(PacketStatus.Unsupported, IgmpRepr.Parse(igmp, out _));
        }
    }
}
