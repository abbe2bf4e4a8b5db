using System;
using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Netstack.Iface
{
    /// <summary>IPv4: which datagrams are ours, the next hop towards a destination, and the headers we send.</summary>
    public sealed partial class Interface
    {
        private void ProcessIpv4(ReadOnlySpan<byte> payload, MacAddress sourceMac, Instant now)
        {
            if (!Check(Ipv4Packet.TryCreate(payload, out Ipv4Packet packet), PacketStatus.Truncated)) return;
            if (!Check(Ipv4Repr.Parse(packet, out Ipv4Repr ip))) return;
            // RFC 1122 §3.2.1.3: a broadcast or multicast source is invalid.
            if (!Check(!ip.Source.IsMulticast && !ip.Source.IsLimitedBroadcast && !ip.Source.IsLoopback, PacketStatus.BadValue)) return;
            bool unicastToUs = HasAddress && ip.Destination.Equals(Address);
            bool accepted = unicastToUs || ip.Destination.IsLimitedBroadcast
                || (HasAddress && ip.Destination.Equals(Address.SubnetBroadcast(SubnetMask)))
                || IsJoined(ip.Destination) || (_groupCount > 0 && ip.Destination.Equals(AllSystemsGroup));
            if (ip.Protocol == IpProtocol.Udp)
            {
                // Before configuration DHCP replies may be unicast to the offered address (RFC 2131 §4.1).
                ProcessUdp(packet.Payload, ip, accepted, now);
                return;
            }
            if (!accepted)
            {
                Counters.FramesNotForUs++;
                return;
            }
            if (ip.Protocol == IpProtocol.Icmp && unicastToUs)
            {
                ProcessIcmp(packet.Payload, ip, sourceMac);
                return;
            }
            if (ip.Protocol == IpProtocol.Tcp && unicastToUs)
            {
                ProcessTcp(packet.Payload, ip, now);
                return;
            }
            if (ip.Protocol == IpProtocol.Igmp)
            {
                ProcessIgmp(packet.Payload, now);
                return;
            }
            Counters.FramesUnsupported++;
        }

        /// <summary>
        /// Finds the MAC of the next hop towards a unicast destination: the host itself on-link, else
        /// the gateway. False while ARP is pending; <paramref name="drop"/> when there is no route or
        /// the next hop did not answer ARP.
        /// </summary>
        private bool TryResolveNextHop(Ipv4Address destination, Instant now, out MacAddress mac, out bool drop)
        {
            mac = default;
            drop = false;
            if (!HasAddress || !destination.IsUnicast)
            {
                Counters.NoRoute++;
                drop = true;
                return false;
            }
            Ipv4Address hop = destination;
            if (!destination.IsInSubnet(Address, SubnetMask))
            {
                if (Gateway.IsUnspecified)
                {
                    Counters.NoRoute++;
                    drop = true;
                    return false;
                }
                hop = Gateway;
            }
            switch (_arp.Lookup(hop, now, out mac))
            {
                case ArpLookup.Resolved:
                    return true;
                case ArpLookup.Unknown:
                    _arp.StartResolving(hop, now);
                    SendArpRequest(hop);
                    return false;
                case ArpLookup.Failed:
                    drop = true;
                    return false;
                default:
                    return false;
            }
        }

        /// <summary>
        /// Lends a TX frame, writes Ethernet and IPv4 headers and zero padding up to the Ethernet
        /// minimum, and returns the IP payload span for the caller to fill before EndTransmit.
        /// </summary>
        private bool TryBeginIpv4(MacAddress destination, scoped in Ipv4Repr ip, out Span<byte> payload)
        {
            payload = default;
            int length = EthernetFrame.HeaderLength + ip.BufferLength;
            int frameLength = Math.Max(length, EthernetFrame.MinimumFrameLength);
            if (length > _device.MaximumFrameLength || !_device.TryBeginTransmit(frameLength, out Span<byte> frame))
            {
                Counters.TransmitNoBuffer++;
                return false;
            }
            new EthernetRepr(destination, MacAddress, EtherType.Ipv4).Emit(frame);
            ip.Emit(frame.Slice(EthernetFrame.HeaderLength));
            frame.Slice(length).Clear();
            payload = frame.Slice(EthernetFrame.HeaderLength + ip.HeaderLength, ip.PayloadLength);
            return true;
        }
    }
}
