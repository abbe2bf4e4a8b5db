using System;
using UefiRecovery.Netstack.Socket;
using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Netstack.Iface
{
    /// <summary>TCP: the one attached connection, segments to it, and what it has to send.</summary>
    public sealed partial class Interface
    {
        /// <summary>Segments sent per poll at most, so one connection cannot hold the TX buffers from everything else.</summary>
        private const int MaxTcpSegmentsPerPoll = 8;

        private TcpSocket? _tcp;

        /// <summary>Attaches the connection the interface feeds and drains (one at a time); false when one is attached.</summary>
        public bool TryAttachTcp(TcpSocket socket)
        {
            if (_tcp != null) return false;
            _tcp = socket;
            return true;
        }

        public void DetachTcp() => _tcp = null;

        private void ProcessTcp(ReadOnlySpan<byte> payload, in Ipv4Repr ip, Instant now)
        {
            if (!Check(TcpPacket.TryCreate(payload, out TcpPacket packet), PacketStatus.Truncated)) return;
            if (!Check(TcpRepr.Parse(packet, ip.Source, ip.Destination, out TcpRepr tcp))) return;
            TcpSocket? socket = _tcp;
            if (socket == null || !socket.Matches(ip.Source, tcp))
            {
                // No RST is sent for it (docs/netstack.md): the peer's own timers end a connection we do not know.
                Counters.TcpNoSocket++;
                return;
            }
            socket.Process(tcp, packet.Payload, now);
            Counters.TcpDelivered++;
        }

        private void FlushTcp(Instant now)
        {
            TcpSocket? socket = _tcp;
            if (socket == null) return;
            socket.Poll(now);
            int maxPayload = _device.MaximumFrameLength - EthernetFrame.HeaderLength - Ipv4Packet.MinimumHeaderLength - TcpPacket.MinimumHeaderLength;
            for (int sent = 0; sent < MaxTcpSegmentsPerPoll; sent++)
            {
                if (!socket.TryPrepareSegment(maxPayload, out TcpRepr tcp, out int dataOffset)) return;
                Ipv4Address to = socket.RemoteAddress;
                if (!TryResolveNextHop(to, now, out MacAddress mac, out _)) return; // ARP pending or no route: the socket's timers decide
                var ip = new Ipv4Repr(Address, to, IpProtocol.Tcp, tcp.BufferLength, Ipv4Repr.DefaultTimeToLive, _nextIdentification++);
                if (!TryBeginIpv4(mac, ip, out Span<byte> segment)) return;
                socket.CopyPayload(dataOffset, segment.Slice(tcp.HeaderLength, tcp.PayloadLength));
                tcp.Emit(segment, Address, to);
                _device.EndTransmit();
                socket.CommitSegment(tcp, now);
                Counters.TcpSegmentsSent++;
            }
        }
    }
}
