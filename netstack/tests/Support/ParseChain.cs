using System;
using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Netstack.Tests.Support
{
    /// <summary>
    /// Parses a frame through every layer the stack understands and reports the first rejection.
    /// Ok means every layer, down to the DHCP message or ICMP echo, accepted it.
    /// </summary>
    public static class ParseChain
    {
        public static PacketStatus Parse(ReadOnlySpan<byte> buffer)
        {
            if (!EthernetFrame.TryCreate(buffer, out EthernetFrame frame)) return PacketStatus.Truncated;
            EthernetRepr.Parse(frame);
            if (frame.EtherType == EtherType.Arp)
            {
                if (!ArpPacket.TryCreate(frame.Payload, out ArpPacket arp)) return PacketStatus.Truncated;
                return ArpRepr.Parse(arp, out _);
            }
            if (frame.EtherType != EtherType.Ipv4) return PacketStatus.Unsupported;
            if (!Ipv4Packet.TryCreate(frame.Payload, out Ipv4Packet ip)) return PacketStatus.Truncated;
            PacketStatus s = Ipv4Repr.Parse(ip, out Ipv4Repr ipRepr);
            if (s != PacketStatus.Ok) return s;
            if (ipRepr.Protocol == IpProtocol.Icmp)
            {
                if (!IcmpPacket.TryCreate(ip.Payload, out IcmpPacket icmp)) return PacketStatus.Truncated;
                s = IcmpEchoRepr.Parse(icmp, out _);
                // Port unreachable is a valid ICMP message the stack does not handle; its checksum still counts.
                if (s == PacketStatus.Unsupported && !icmp.VerifyChecksum()) return PacketStatus.BadChecksum;
                return s == PacketStatus.Unsupported ? PacketStatus.Ok : s;
            }
            if (ipRepr.Protocol == IpProtocol.Igmp)
            {
                if (!IgmpPacket.TryCreate(ip.Payload, out IgmpPacket igmp)) return PacketStatus.Truncated;
                return IgmpRepr.Parse(igmp, out _);
            }
            if (ipRepr.Protocol != IpProtocol.Udp) return PacketStatus.Unsupported;
            if (!UdpPacket.TryCreate(ip.Payload, out UdpPacket udp)) return PacketStatus.Truncated;
            s = UdpRepr.Parse(udp, ipRepr.Source, ipRepr.Destination, out UdpRepr udpRepr);
            if (s != PacketStatus.Ok) return s;
            if (udpRepr.DestinationPort != 67 && udpRepr.DestinationPort != 68) return PacketStatus.Ok;
            if (!DhcpMessage.TryCreate(udp.Payload, out DhcpMessage dhcp)) return PacketStatus.Truncated;
            return DhcpRepr.Parse(dhcp, out _);
        }
    }
}
