using System;
using UefiRecovery.Netstack.Socket;
using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Netstack.Iface
{
    /// <summary>UDP: the socket table, demultiplexing received datagrams, and sending what sockets queued.</summary>
    public sealed partial class Interface
    {
        /// <summary>Registers a socket; false when the table is full or the port is taken.</summary>
        public bool TryAddSocket(UdpSocket socket)
        {
            int free = -1;
            for (int i = 0; i < _sockets.Length; i++)
            {
                UdpSocket? s = _sockets[i];
                if (s == null) { if (free < 0) free = i; }
                else if (s.LocalPort == socket.LocalPort) return false;
            }
            if (free < 0 || (_dhcp != null && socket.LocalPort == DhcpMessage.ClientPort)) return false;
            _sockets[free] = socket;
            return true;
        }

        private void ProcessUdp(ReadOnlySpan<byte> payload, in Ipv4Repr ip, bool accepted, Instant now)
        {
            if (!Check(UdpPacket.TryCreate(payload, out UdpPacket packet), PacketStatus.Truncated)) return;
            bool forDhcp = _dhcp != null && packet.DestinationPort == DhcpMessage.ClientPort;
            if (!accepted && !(forDhcp && !HasAddress))
            {
                Counters.FramesNotForUs++;
                return;
            }
            if (!Check(UdpRepr.Parse(packet, ip.Source, ip.Destination, out UdpRepr udp))) return;
            if (forDhcp)
            {
                ProcessDhcp(packet.Payload, udp, now);
                return;
            }
            for (int i = 0; i < _sockets.Length; i++)
            {
                UdpSocket? s = _sockets[i];
                if (s == null || s.LocalPort != udp.DestinationPort) continue;
                if (s.TryEnqueueReceived(packet.Payload, new UdpEndpoint(ip.Source, udp.SourcePort), ip.Destination))
                    Counters.UdpDelivered++;
                else
                    Counters.UdpSocketFull++;
                return;
            }
            // No ICMP port unreachable is sent (see docs/netstack.md).
            Counters.UdpNoSocket++;
        }

        // A datagram waiting for ARP holds back only later datagrams to the same address (their order is
        // kept); the others go: a silent first manager must not delay the REQUEST to the second.
        private void FlushSocket(UdpSocket socket, Instant now)
        {
            int position = 0;
            while (socket.TryPeekTransmit(position, out ReadOnlySpan<byte> payload, out UdpEndpoint destination))
            {
                Ipv4Address to = destination.Address;
                if (socket.HasEarlierTransmitTo(position, to))
                {
                    position++;
                    continue;
                }
                if (!HasAddress && !to.IsLimitedBroadcast)
                {
                    Counters.NoRoute++;
                    socket.DequeueTransmit(position, true);
                    continue;
                }
                MacAddress mac;
                if (to.IsLimitedBroadcast || (HasAddress && to.Equals(Address.SubnetBroadcast(SubnetMask)))) mac = MacAddress.Broadcast;
                else if (to.IsMulticast) mac = MacAddress.FromIpv4Multicast(to);
                else if (!TryResolveNextHop(to, now, out mac, out bool drop))
                {
                    if (drop) socket.DequeueTransmit(position, true);
                    else position++; // waiting for ARP; try again next poll
                    continue;
                }
                Ipv4Address source = HasAddress ? Address : Ipv4Address.Unspecified;
                var udp = new UdpRepr(socket.LocalPort, destination.Port, payload.Length);
                if (!TryBeginUdp(mac, source, to, udp, out Span<byte> datagram)) return;
                payload.CopyTo(datagram.Slice(UdpPacket.HeaderLength));
                EndUdp(datagram, source, to, udp);
                socket.DequeueTransmit(position, false);
                Counters.UdpTransmitted++;
            }
        }

        /// <summary>
        /// Lends a TX frame for <paramref name="udp"/> with its Ethernet and IPv4 headers written and returns the UDP
        /// datagram span; the caller puts the payload after the UDP header, then calls <see cref="EndUdp"/>.
        /// </summary>
        private bool TryBeginUdp(MacAddress mac, Ipv4Address source, Ipv4Address destination, in UdpRepr udp, out Span<byte> datagram)
        {
            var ip = new Ipv4Repr(source, destination, IpProtocol.Udp, udp.BufferLength, Ipv4Repr.DefaultTimeToLive, _nextIdentification++);
            return TryBeginIpv4(mac, ip, out datagram);
        }

        /// <summary>Writes the UDP header with the checksum over the payload now in place, and sends the frame.</summary>
        private void EndUdp(Span<byte> datagram, Ipv4Address source, Ipv4Address destination, in UdpRepr udp)
        {
            udp.Emit(datagram, source, destination);
            _device.EndTransmit();
        }
    }
}
