using System;
using UefiRecovery.Netstack.Phy;
using UefiRecovery.Netstack.Socket;
using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Netstack.Iface
{
    /// <summary>
    /// One Ethernet interface with one IPv4 address: receives frames from the device, answers ARP
    /// and ICMP echo, delivers UDP to sockets and the DHCP client, and sends what sockets queued.
    /// Everything happens inside <see cref="Poll"/>; nothing allocates after construction.
    /// </summary>
    public sealed class Interface
    {
        private readonly IFrameDevice _device;
        private readonly InterfaceConfig _config;
        private readonly ArpCache _arp;
        private readonly UdpSocket?[] _sockets;
        private readonly Ipv4Address[] _groups;
        /// <summary>Per joined group: when its next IGMP report is due (long.MaxValue: none).</summary>
        private readonly long[] _reportDueMs;
        private readonly int[] _unsolicitedLeft;
        private int _groupCount;
        private Xorshift32 _random;
        private DhcpClient? _dhcp;
        private ushort _nextIdentification;
        private int _announcementsLeft;
        private long _nextAnnouncementMs;

        public Interface(IFrameDevice device, InterfaceConfig config)
        {
            _device = device;
            _config = config;
            MacAddress = device.MacAddress;
            _arp = new ArpCache(config);
            _sockets = new UdpSocket?[config.MaxUdpSockets];
            _groups = new Ipv4Address[config.MaxMulticastGroups];
            _reportDueMs = new long[config.MaxMulticastGroups];
            _unsolicitedLeft = new int[config.MaxMulticastGroups];
            _random = config.RandomSeed != 0 ? new Xorshift32(config.RandomSeed) : Xorshift32.FromMacAndTime(device.MacAddress, 0);
            Counters = new InterfaceCounters();
        }

        public MacAddress MacAddress { get; }
        public InterfaceCounters Counters { get; }
        public ArpCache ArpCache => _arp;

        public bool HasAddress { get; private set; }
        public Ipv4Address Address { get; private set; }
        public Ipv4Address SubnetMask { get; private set; }
        /// <summary>Default gateway; Unspecified means on-link destinations only.</summary>
        public Ipv4Address Gateway { get; private set; }

        /// <summary>
        /// Configures the address (static configuration, or applied from a DHCP lease) and queues
        /// gratuitous ARP announcements so neighbours update stale entries (RFC 5227 §2.3).
        /// </summary>
        public void SetAddress(Ipv4Address address, Ipv4Address subnetMask, Ipv4Address gateway, Instant now)
        {
            bool changed = !HasAddress || !Address.Equals(address);
            Address = address;
            SubnetMask = subnetMask;
            Gateway = gateway;
            HasAddress = true;
            if (changed)
            {
                _arp.Clear();
                _announcementsLeft = _config.AnnounceCount;
                _nextAnnouncementMs = now.Milliseconds;
            }
        }

        /// <summary>
        /// Queues one more gratuitous ARP announcement (no-op without an address). The EFI app uses it
        /// as a transmit "kick" after a receive stall: iPXE's e1000 driver refills its receive ring
        /// only when the NIC raises an interrupt cause, which a transmit completion provides.
        /// </summary>
        public void AnnounceAgain(Instant now)
        {
            if (!HasAddress) return;
            if (_announcementsLeft == 0) _announcementsLeft = 1;
            _nextAnnouncementMs = now.Milliseconds;
        }

        public void ClearAddress()
        {
            HasAddress = false;
            Address = Ipv4Address.Unspecified;
            SubnetMask = Ipv4Address.Unspecified;
            Gateway = Ipv4Address.Unspecified;
            _announcementsLeft = 0;
            _arp.Clear();
        }

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

        /// <summary>Lets the DHCP client own port 68 and drive the address from its leases.</summary>
        public void AttachDhcp(DhcpClient client) { _dhcp = client; }

        /// <summary>All-systems group 224.0.0.1: every multicast host is a member (RFC 1112 §4); IGMP queries go there.</summary>
        public static Ipv4Address AllSystemsGroup => new Ipv4Address(0xE000_0001u);

        /// <summary>All-routers group 224.0.0.2, where IGMPv2 Leave messages go (RFC 2236 §3).</summary>
        public static Ipv4Address AllRoutersGroup => new Ipv4Address(0xE000_0002u);

        /// <summary>
        /// Accepts datagrams to an IPv4 multicast group and announces the membership with IGMPv2
        /// reports (RFC 2236 §3): one at the next poll, then <c>IgmpUnsolicitedRepeats</c> more at random
        /// times, and again whenever a querier asks. Snooping switches then forward the group to us.
        /// </summary>
        public bool TryJoinMulticastGroup(Ipv4Address group)
        {
            if (!group.IsMulticast || group.Equals(AllSystemsGroup)) return false;
            if (IndexOfGroup(group) >= 0) return true;
            if (_groupCount == _groups.Length) return false;
            if (_groupCount == 0) _device.TryJoinMulticast(MacAddress.FromIpv4Multicast(AllSystemsGroup));
            if (!_device.TryJoinMulticast(MacAddress.FromIpv4Multicast(group))) return false;
            _groups[_groupCount] = group;
            _reportDueMs[_groupCount] = long.MinValue;
            _unsolicitedLeft[_groupCount] = _config.IgmpUnsolicitedRepeats;
            _groupCount++;
            return true;
        }

        /// <summary>
        /// Sends an IGMPv2 Leave to all routers (RFC 2236 §3) and stops accepting the group. True only when the
        /// Leave went out. False when not a member, or when no TX buffer was free for the Leave: the membership
        /// is then kept, so the caller can free a buffer and try again (a snooping switch would otherwise keep
        /// forwarding the group until its membership timer runs out, 260 s by default).
        /// </summary>
        public bool TryLeaveMulticastGroup(Ipv4Address group)
        {
            int i = IndexOfGroup(group);
            if (i < 0) return false;
            if (!SendIgmp(IgmpMessageType.LeaveGroup, group, AllRoutersGroup)) return false;
            _groupCount--;
            _groups[i] = _groups[_groupCount];
            _reportDueMs[i] = _reportDueMs[_groupCount];
            _unsolicitedLeft[i] = _unsolicitedLeft[_groupCount];
            return true;
        }

        /// <summary>Receives up to MaxFramesPerPoll frames, runs timers and sends queued datagrams. Returns frames handled.</summary>
        public int Poll(Instant now)
        {
            int handled = 0;
            while (handled < _config.MaxFramesPerPoll && _device.TryReceive(out ReadOnlySpan<byte> frame))
            {
                ProcessFrame(frame, now);
                handled++;
            }
            PollDhcp(now);
            PollAnnouncements(now);
            PollArpRequests(now);
            PollIgmp(now);
            for (int i = 0; i < _sockets.Length; i++)
            {
                UdpSocket? s = _sockets[i];
                if (s != null) FlushSocket(s, now);
            }
            return handled;
        }

        /// <summary>What Poll does with one received frame (public so tests and benchmarks can feed frames directly).</summary>
        public void ProcessFrame(ReadOnlySpan<byte> buffer, Instant now)
        {
            Counters.FramesReceived++;
            if (!EthernetFrame.TryCreate(buffer, out EthernetFrame frame))
            {
                Counters.CountDrop(WireStatus.Truncated);
                return;
            }
            MacAddress destination = frame.Destination;
            if (!destination.Equals(MacAddress) && !destination.IsBroadcast && !IsJoinedMac(destination))
            {
                Counters.FramesNotForUs++;
                return;
            }
            MacAddress source = frame.Source;
            if (source.IsMulticast)
            {
                Counters.CountDrop(WireStatus.BadValue);
                return;
            }
            switch (frame.EtherType)
            {
                case EtherType.Arp:
                    ProcessArp(frame.Payload, now);
                    break;
                case EtherType.Ipv4:
                    ProcessIpv4(frame.Payload, source, now);
                    break;
                default:
                    Counters.FramesUnsupported++;
                    break;
            }
        }

        private void ProcessArp(ReadOnlySpan<byte> payload, Instant now)
        {
            if (!ArpPacket.TryCreate(payload, out ArpPacket packet))
            {
                Counters.CountDrop(WireStatus.Truncated);
                return;
            }
            WireStatus status = ArpRepr.Parse(packet, out ArpRepr arp);
            if (status != WireStatus.Ok)
            {
                Counters.CountDrop(status);
                return;
            }
            if (!HasAddress) return;
            if (!arp.SenderHardwareAddress.IsUnicast || arp.SenderHardwareAddress.IsBroadcast) return;
            if (arp.SenderProtocolAddress.Equals(Address))
            {
                // Someone else claims our address (RFC 5227 §2.4); note it, never "correct" the cache to them.
                if (!arp.SenderHardwareAddress.Equals(MacAddress)) Counters.AddressConflicts++;
                return;
            }
            bool forUs = arp.TargetProtocolAddress.Equals(Address);
            if (arp.SenderProtocolAddress.IsUnicast)
                _arp.Update(arp.SenderProtocolAddress, arp.SenderHardwareAddress, now, forUs);
            if (!forUs || arp.Operation != ArpOperation.Request) return;

            var reply = new ArpRepr(ArpOperation.Reply, MacAddress, Address, arp.SenderHardwareAddress, arp.SenderProtocolAddress);
            if (TrySendArp(arp.SenderHardwareAddress, reply)) Counters.ArpRepliesSent++;
        }

        private void ProcessIpv4(ReadOnlySpan<byte> payload, MacAddress sourceMac, Instant now)
        {
            if (!Ipv4Packet.TryCreate(payload, out Ipv4Packet packet))
            {
                Counters.CountDrop(WireStatus.Truncated);
                return;
            }
            WireStatus status = Ipv4Repr.Parse(packet, out Ipv4Repr ip);
            if (status != WireStatus.Ok)
            {
                Counters.CountDrop(status);
                return;
            }
            // RFC 1122 §3.2.1.3: a broadcast or multicast source is invalid.
            if (ip.Source.IsMulticast || ip.Source.IsLimitedBroadcast || ip.Source.IsLoopback)
            {
                Counters.CountDrop(WireStatus.BadValue);
                return;
            }
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
            if (ip.Protocol == IpProtocol.Igmp)
            {
                ProcessIgmp(packet.Payload, now);
                return;
            }
            Counters.FramesUnsupported++;
        }

        private void ProcessIcmp(ReadOnlySpan<byte> payload, in Ipv4Repr ip, MacAddress sourceMac)
        {
            if (!IcmpPacket.TryCreate(payload, out IcmpPacket packet))
            {
                Counters.CountDrop(WireStatus.Truncated);
                return;
            }
            WireStatus status = IcmpEchoRepr.Parse(packet, out IcmpEchoRepr echo);
            if (status != WireStatus.Ok)
            {
                Counters.CountDrop(status);
                return;
            }
            if (!echo.IsRequest || !ip.Source.IsUnicast)
            {
                Counters.FramesUnsupported++;
                return;
            }
            // The reply goes back to the frame's sender (the host or its router) without an ARP lookup.
            var reply = new IcmpEchoRepr(false, echo.Identifier, echo.SequenceNumber, echo.DataLength);
            var replyIp = new Ipv4Repr(Address, ip.Source, IpProtocol.Icmp, reply.BufferLength, Ipv4Repr.DefaultTimeToLive, _nextIdentification++);
            if (!TryBeginIpv4(sourceMac, replyIp, out Span<byte> icmp)) return;
            packet.Data.CopyTo(icmp.Slice(IcmpPacket.HeaderLength));
            reply.Emit(icmp);
            _device.EndTransmit();
            Counters.EchoRepliesSent++;
        }

        private void ProcessUdp(ReadOnlySpan<byte> payload, in Ipv4Repr ip, bool accepted, Instant now)
        {
            if (!UdpPacket.TryCreate(payload, out UdpPacket packet))
            {
                Counters.CountDrop(WireStatus.Truncated);
                return;
            }
            bool forDhcp = _dhcp != null && packet.DestinationPort == DhcpMessage.ClientPort;
            if (!accepted && !(forDhcp && !HasAddress))
            {
                Counters.FramesNotForUs++;
                return;
            }
            WireStatus status = UdpRepr.Parse(packet, ip.Source, ip.Destination, out UdpRepr udp);
            if (status != WireStatus.Ok)
            {
                Counters.CountDrop(status);
                return;
            }
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
                return;
            }
            // No ICMP port unreachable is sent (see docs/netstack.md).
            Counters.UdpNoSocket++;
        }

        private void ProcessDhcp(ReadOnlySpan<byte> payload, in UdpRepr udp, Instant now)
        {
            if (udp.SourcePort != DhcpMessage.ServerPort) return;
            if (!DhcpMessage.TryCreate(payload, out DhcpMessage message))
            {
                Counters.CountDrop(WireStatus.Truncated);
                return;
            }
            WireStatus status = DhcpRepr.Parse(message, out DhcpRepr dhcp);
            if (status != WireStatus.Ok)
            {
                Counters.CountDrop(status);
                return;
            }
            DhcpClient client = _dhcp!;
            if (client.Process(dhcp, now)) ApplyDhcp(client, now);
        }

        private void ApplyDhcp(DhcpClient client, Instant now)
        {
            if (client.HasLease)
            {
                DhcpLease lease = client.Lease;
                SetAddress(lease.Address, lease.SubnetMask, lease.Router, now);
            }
            else
            {
                ClearAddress();
            }
        }

        private void PollDhcp(Instant now)
        {
            DhcpClient? client = _dhcp;
            if (client == null) return;
            if (client.Poll(now)) ApplyDhcp(client, now);
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
            var ip = new Ipv4Repr(source, destination, IpProtocol.Udp, udp.BufferLength, Ipv4Repr.DefaultTimeToLive, _nextIdentification++);
            if (!TryBeginIpv4(mac, ip, out Span<byte> datagram)) return;
            message.Emit(datagram.Slice(UdpPacket.HeaderLength));
            udp.Emit(datagram, source, destination);
            _device.EndTransmit();
            client.OnTransmitted(now);
            Counters.DhcpMessagesSent++;
        }

        private void PollAnnouncements(Instant now)
        {
            if (!HasAddress || _announcementsLeft == 0 || now.Milliseconds < _nextAnnouncementMs) return;
            // RFC 5227 §2.3: an ARP request with sender and target protocol address both ours.
            var announce = new ArpRepr(ArpOperation.Request, MacAddress, Address, MacAddress.Zero, Address);
            if (!TrySendArp(MacAddress.Broadcast, announce)) return;
            Counters.ArpAnnouncementsSent++;
            _announcementsLeft--;
            _nextAnnouncementMs = now.Milliseconds + _config.AnnounceIntervalMs;
        }

        private void PollArpRequests(Instant now)
        {
            if (!HasAddress) return;
            while (_arp.TryTakeDueRequest(now, out Ipv4Address target)) SendArpRequest(target);
        }

        private void SendArpRequest(Ipv4Address target)
        {
            var request = new ArpRepr(ArpOperation.Request, MacAddress, Address, MacAddress.Zero, target);
            if (TrySendArp(MacAddress.Broadcast, request)) Counters.ArpRequestsSent++;
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
                var ip = new Ipv4Repr(source, to, IpProtocol.Udp, udp.BufferLength, Ipv4Repr.DefaultTimeToLive, _nextIdentification++);
                if (!TryBeginIpv4(mac, ip, out Span<byte> datagram)) return;
                payload.CopyTo(datagram.Slice(UdpPacket.HeaderLength));
                udp.Emit(datagram, source, to);
                _device.EndTransmit();
                socket.DequeueTransmit(position, false);
                Counters.UdpTransmitted++;
            }
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

        private void ProcessIgmp(ReadOnlySpan<byte> payload, Instant now)
        {
            if (!IgmpPacket.TryCreate(payload, out IgmpPacket packet))
            {
                Counters.CountDrop(WireStatus.Truncated);
                return;
            }
            WireStatus status = IgmpRepr.Parse(packet, out IgmpRepr igmp);
            if (status != WireStatus.Ok)
            {
                Counters.CountDrop(status);
                return;
            }
            if (igmp.Type == IgmpMessageType.MembershipQuery)
            {
                Counters.IgmpQueriesReceived++;
                long maxDelayMs = QueryMaxDelayMs(igmp.MaxResponseTime, packet.Length > IgmpPacket.HeaderLength);
                for (int i = 0; i < _groupCount; i++)
                {
                    if (!igmp.GroupAddress.IsUnspecified && !igmp.GroupAddress.Equals(_groups[i])) continue;
                    // RFC 2236 §3: answer after a random delay up to Max Response Time, keeping an earlier timer.
                    long due = now.Milliseconds + (long)(_random.NextUInt32() % (ulong)(maxDelayMs + 1));
                    if (due < _reportDueMs[i]) _reportDueMs[i] = due;
                }
                return;
            }
            if (igmp.Type == IgmpMessageType.MembershipReportV1 || igmp.Type == IgmpMessageType.MembershipReportV2)
            {
                // Another member answered for the group: ours would be redundant (report suppression, RFC 2236 §3).
                int i = IndexOfGroup(igmp.GroupAddress);
                if (i >= 0 && _unsolicitedLeft[i] == 0) _reportDueMs[i] = long.MaxValue;
            }
        }

        /// <summary>
        /// Max Response Time in milliseconds: tenths of a second; 0 is an IGMPv1 query (10 s, RFC 2236 §4);
        /// IGMPv3 codes from 128 up are floating point (RFC 3376 §4.1.1).
        /// </summary>
        private static long QueryMaxDelayMs(byte code, bool isVersion3)
        {
            if (code == 0) return 10_000;
            if (!isVersion3 || code < 128) return code * 100L;
            int exponent = (code >> 4) & 0x7;
            int mantissa = code & 0xF;
            return ((long)(mantissa | 0x10) << (exponent + 3)) * 100L;
        }

        private void PollIgmp(Instant now)
        {
            for (int i = 0; i < _groupCount; i++)
            {
                if (now.Milliseconds < _reportDueMs[i]) continue;
                if (!SendIgmp(IgmpMessageType.MembershipReportV2, _groups[i], _groups[i])) return;
                if (_unsolicitedLeft[i] > 0)
                {
                    _unsolicitedLeft[i]--;
                    _reportDueMs[i] = now.Milliseconds + 1 + (long)(_random.NextUInt32() % (uint)Math.Max(1, _config.IgmpUnsolicitedIntervalMs));
                }
                else
                {
                    _reportDueMs[i] = long.MaxValue;
                }
            }
        }

        /// <summary>An IGMPv2 message: TTL 1, Router Alert, precedence "internetwork control" as Linux sends it (RFC 2236 §2).</summary>
        private bool SendIgmp(IgmpMessageType type, Ipv4Address group, Ipv4Address destination)
        {
            var igmp = new IgmpRepr(type, 0, group);
            Ipv4Address source = HasAddress ? Address : Ipv4Address.Unspecified;
            var ip = new Ipv4Repr(source, destination, IpProtocol.Igmp, igmp.BufferLength, 1, 0, true, 0xC0);
            if (!TryBeginIpv4(MacAddress.FromIpv4Multicast(destination), ip, out Span<byte> payload)) return false;
            igmp.Emit(payload);
            _device.EndTransmit();
            if (type == IgmpMessageType.LeaveGroup) Counters.IgmpLeavesSent++;
            else Counters.IgmpReportsSent++;
            return true;
        }

        private bool TrySendArp(MacAddress destination, in ArpRepr arp)
        {
            if (!_device.TryBeginTransmit(EthernetFrame.MinimumFrameLength, out Span<byte> frame))
            {
                Counters.TransmitNoBuffer++;
                return false;
            }
            new EthernetRepr(destination, MacAddress, EtherType.Arp).Emit(frame);
            arp.Emit(frame.Slice(EthernetFrame.HeaderLength, arp.BufferLength));
            frame.Slice(EthernetFrame.HeaderLength + arp.BufferLength).Clear();
            _device.EndTransmit();
            return true;
        }

        /// <summary>
        /// Lends a TX frame, writes Ethernet and IPv4 headers and zero padding up to the Ethernet
        /// minimum, and returns the IP payload span for the caller to fill before EndTransmit.
        /// </summary>
        private bool TryBeginIpv4(MacAddress destination, in Ipv4Repr ip, out Span<byte> payload)
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

        private bool IsJoined(Ipv4Address group) => IndexOfGroup(group) >= 0;

        private int IndexOfGroup(Ipv4Address group)
        {
            for (int i = 0; i < _groupCount; i++) if (_groups[i].Equals(group)) return i;
            return -1;
        }

        private bool IsJoinedMac(MacAddress mac)
        {
            if (_groupCount > 0 && MacAddress.FromIpv4Multicast(AllSystemsGroup).Equals(mac)) return true;
            for (int i = 0; i < _groupCount; i++) if (MacAddress.FromIpv4Multicast(_groups[i]).Equals(mac)) return true;
            return false;
        }
    }
}
