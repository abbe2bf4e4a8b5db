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
        public static WireStatus Parse(ReadOnlySpan<byte> buffer)
        {
            if (!EthernetFrame.TryCreate(buffer, out EthernetFrame frame)) return WireStatus.Truncated;
            EthernetRepr.Parse(frame);
            if (frame.EtherType == EtherType.Arp)
            {
                if (!ArpPacket.TryCreate(frame.Payload, out ArpPacket arp)) return WireStatus.Truncated;
                return ArpRepr.Parse(arp, out _);
            }
            if (frame.EtherType != EtherType.Ipv4) return WireStatus.Unsupported;
            if (!Ipv4Packet.TryCreate(frame.Payload, out Ipv4Packet ip)) return WireStatus.Truncated;
            WireStatus s = Ipv4Repr.Parse(ip, out Ipv4Repr ipRepr);
            if (s != WireStatus.Ok) return s;
            if (ipRepr.Protocol == IpProtocol.Icmp)
            {
                if (!IcmpPacket.TryCreate(ip.Payload, out IcmpPacket icmp)) return WireStatus.Truncated;
                s = IcmpEchoRepr.Parse(icmp, out _);
                // Port unreachable is a valid ICMP message the stack does not handle; its checksum still counts.
                if (s == WireStatus.Unsupported && !icmp.VerifyChecksum()) return WireStatus.BadChecksum;
                return s == WireStatus.Unsupported ? WireStatus.Ok : s;
            }
            if (ipRepr.Protocol == IpProtocol.Igmp)
            {
                if (!IgmpPacket.TryCreate(ip.Payload, out IgmpPacket igmp)) return WireStatus.Truncated;
                return IgmpRepr.Parse(igmp, out _);
            }
            if (ipRepr.Protocol != IpProtocol.Udp) return WireStatus.Unsupported;
            if (!UdpPacket.TryCreate(ip.Payload, out UdpPacket udp)) return WireStatus.Truncated;
            s = UdpRepr.Parse(udp, ipRepr.Source, ipRepr.Destination, out UdpRepr udpRepr);
            if (s != WireStatus.Ok) return s;
            if (udpRepr.DestinationPort != 67 && udpRepr.DestinationPort != 68) return WireStatus.Ok;
            if (!DhcpMessage.TryCreate(udp.Payload, out DhcpMessage dhcp)) return WireStatus.Truncated;
            return DhcpRepr.Parse(dhcp, out _);
        }
    }
}
