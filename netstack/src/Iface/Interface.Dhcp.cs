using System;
using UefiRecovery.Netstack.Socket;
using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Netstack.Iface
{
    /// <summary>The DHCP client's port 68: its replies go in, its messages go out, its leases set the address.</summary>
    public sealed partial class Interface
    {
        /// <summary>Lets the DHCP client own port 68 and drive the address from its leases.</summary>
        public void AttachDhcp(DhcpClient client) { _dhcp = client; }

        private void ProcessDhcp(ReadOnlySpan<byte> payload, in UdpRepr udp, Instant now)
        {
            // Servers and relay agents answer from port 67 (RFC 2131 §4.1, RFC 1542 §5.4).
            if (!Check(udp.SourcePort == DhcpMessage.ServerPort, PacketStatus.BadValue)) return;
            if (!Check(DhcpMessage.TryCreate(payload, out DhcpMessage message), PacketStatus.Truncated)) return;
            if (!Check(DhcpRepr.Parse(message, out DhcpRepr dhcp))) return;
            Counters.DhcpMessagesReceived++;
            DhcpClient client = _dhcp!;
            ApplyLease(client.Process(dhcp, now), client, now);
        }

        /// <summary>Once per <see cref="Poll"/>: the client's timers (an expired lease deconfigures), then the message it has due.</summary>
        private void PollDhcp(Instant now)
        {
            DhcpClient? client = _dhcp;
            if (client == null) return;
            ApplyLease(client.Poll(now), client, now);
            if (!client.TryGetTransmit(now, out DhcpRepr message, out Ipv4Address destination)) return;

            bool renewing = client.HasLease && HasAddress;
            Ipv4Address source = renewing ? Address : Ipv4Address.Unspecified;
            MacAddress mac;
            if (destination.IsLimitedBroadcast) mac = MacAddress.Broadcast;
            else if (!TryResolveNextHop(destination, now, out mac, out bool drop))
            {
                // Unresolved: ARP is under way; the client retries at the next poll. If unreachable,
                // count it as sent so the client's own backoff (and later rebinding) takes over.
                if (drop) client.OnTransmitted(now);
                return;
            }
            var udp = new UdpRepr(DhcpMessage.ClientPort, DhcpMessage.ServerPort, message.BufferLength);
            if (!TryBeginUdp(mac, source, destination, udp, out Span<byte> datagram)) return;
            message.Emit(datagram.Slice(UdpPacket.HeaderLength));
            EndUdp(datagram, source, destination, udp);
            client.OnTransmitted(now);
            Counters.DhcpMessagesSent++;
        }

        /// <summary>The one place a DHCP result becomes the interface address, applied when the client reports it.</summary>
        private void ApplyLease(DhcpEvent happened, DhcpClient client, Instant now)
        {
            if (happened == DhcpEvent.Bound || happened == DhcpEvent.Renewed)
            {
                DhcpLease lease = client.Lease;
                SetAddress(lease.Address, lease.SubnetMask, lease.Router, now);
            }
            else if (happened == DhcpEvent.Lost)
                ClearAddress();
        }
    }
}
