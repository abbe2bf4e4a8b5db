using System;
using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Netstack.Tests.Support
{
    /// <summary>Builds synthetic frames with the stack's own emitters (for cases no capture covers).</summary>
    public static class Frames
    {
        public static readonly MacAddress LinuxMac = MacAddress.FromBytes(0x02, 0, 0, 0x77, 0, 0x02);
        public static readonly MacAddress DnsmasqMac = MacAddress.FromBytes(0x02, 0, 0, 0x77, 0, 0x01);
        public static readonly Ipv4Address Net1 = Ipv4Address.FromBytes(10, 77, 0, 1);
        public static readonly Ipv4Address Net2 = Ipv4Address.FromBytes(10, 77, 0, 2);
        public static readonly Ipv4Address Mask24 = Ipv4Address.FromBytes(255, 255, 255, 0);

        public static byte[] Udp(MacAddress srcMac, MacAddress dstMac, Ipv4Address src, Ipv4Address dst,
            ushort srcPort, ushort dstPort, ReadOnlySpan<byte> payload)
        {
            var udp = new UdpRepr(srcPort, dstPort, payload.Length);
            var ip = new Ipv4Repr(src, dst, IpProtocol.Udp, udp.BufferLength);
            byte[] frame = new byte[EthernetFrame.HeaderLength + ip.BufferLength];
            new EthernetRepr(dstMac, srcMac, EtherType.Ipv4).Emit(frame);
            ip.Emit(frame.AsSpan(EthernetFrame.HeaderLength));
            Span<byte> datagram = frame.AsSpan(EthernetFrame.HeaderLength + 20);
            payload.CopyTo(datagram.Slice(8));
            udp.Emit(datagram, src, dst);
            return frame;
        }

        public static byte[] Dhcp(in DhcpRepr message, Ipv4Address serverAddress, MacAddress serverMac)
        {
            byte[] payload = new byte[message.BufferLength];
            message.Emit(payload);
            return Udp(serverMac, MacAddress.Broadcast, serverAddress, Ipv4Address.Broadcast, 67, 68, payload);
        }

        public static byte[] Arp(ArpOperation op, MacAddress senderMac, Ipv4Address senderIp, MacAddress targetMac, Ipv4Address targetIp, MacAddress ethDst)
        {
            var arp = new ArpRepr(op, senderMac, senderIp, targetMac, targetIp);
            byte[] frame = new byte[EthernetFrame.HeaderLength + arp.BufferLength];
            new EthernetRepr(ethDst, senderMac, EtherType.Arp).Emit(frame);
            arp.Emit(frame.AsSpan(EthernetFrame.HeaderLength));
            return frame;
        }

        /// <summary>Recomputes IPv4 header, UDP, TCP and ICMP checksums where the lengths allow, so mutations reach deeper layers.</summary>
        public static void FixChecksums(Span<byte> frame)
        {
            if (frame.Length < 34 || frame[12] != 0x08 || frame[13] != 0x00) return;
            Span<byte> ip = frame.Slice(14);
            int ihl = (ip[0] & 0x0F) * 4;
            if (ihl < 20 || ihl > ip.Length) return;
            int total = (ip[2] << 8) | ip[3];
            if (total < ihl || total > ip.Length) return;
            ip[10] = 0; ip[11] = 0;
            ushort h = Checksum.Compute(ip.Slice(0, ihl));
            ip[10] = (byte)(h >> 8); ip[11] = (byte)h;
            Span<byte> l4 = ip.Slice(ihl, total - ihl);
            if (ip[9] == 17 && l4.Length >= 8)
            {
                int len = (l4[4] << 8) | l4[5];
                if (len < 8 || len > l4.Length) return;
                l4[6] = 0; l4[7] = 0;
                uint sum = Checksum.PseudoHeader(Ipv4Address.Read(ip.Slice(12)), Ipv4Address.Read(ip.Slice(16)), 17, len);
                ushort c = Checksum.Finish(Checksum.Accumulate(sum, l4.Slice(0, len)));
                if (c == 0) c = 0xFFFF;
                l4[6] = (byte)(c >> 8); l4[7] = (byte)c;
            }
            else if (ip[9] == 6 && l4.Length >= 20)
            {
                l4[16] = 0; l4[17] = 0;
                uint sum = Checksum.PseudoHeader(Ipv4Address.Read(ip.Slice(12)), Ipv4Address.Read(ip.Slice(16)), 6, l4.Length);
                ushort c = Checksum.Finish(Checksum.Accumulate(sum, l4));
                l4[16] = (byte)(c >> 8); l4[17] = (byte)c;
            }
            else if (ip[9] == 1 && l4.Length >= 8)
            {
                l4[2] = 0; l4[3] = 0;
                ushort c = Checksum.Compute(l4);
                l4[2] = (byte)(c >> 8); l4[3] = (byte)c;
            }
        }
    }
}
