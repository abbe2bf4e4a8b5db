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
    /// This file holds the state, the address and the frame dispatch; each protocol has its own
    /// partial file (Interface.Arp.cs, .Ipv4.cs, .Icmp.cs, .Igmp.cs, .Udp.cs, .Tcp.cs, .Dhcp.cs).
    /// </summary>
    public sealed partial class Interface
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

        public void ClearAddress()
        {
            HasAddress = false;
            Address = Ipv4Address.Unspecified;
            SubnetMask = Ipv4Address.Unspecified;
            Gateway = Ipv4Address.Unspecified;
            _announcementsLeft = 0;
            _arp.Clear();
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
            FlushTcp(now);
            return handled;
        }

        /// <summary>What Poll does with one received frame (public so tests and benchmarks can feed frames directly).</summary>
        public void ProcessFrame(ReadOnlySpan<byte> buffer, Instant now)
        {
            Counters.FramesReceived++;
            if (!Check(EthernetFrame.TryCreate(buffer, out EthernetFrame frame), PacketStatus.Truncated)) return;
            MacAddress destination = frame.Destination;
            if (!destination.Equals(MacAddress) && !destination.IsBroadcast && !IsJoinedMac(destination))
            {
                Counters.FramesNotForUs++;
                return;
            }
            MacAddress source = frame.Source;
            if (!Check(!source.IsMulticast, PacketStatus.BadValue)) return;
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

        /// <summary>
        /// Parse-or-drop in one line (smoltcp's <c>check!</c>): true when <paramref name="ok"/>; otherwise
        /// the frame is counted as dropped for <paramref name="reason"/> and the caller returns.
        /// </summary>
        private bool Check(bool ok, PacketStatus reason)
        {
            if (!ok) Counters.CountDrop(reason);
            return ok;
        }

        /// <summary>Parse-or-drop for a <c>Repr.Parse</c> result: true on Ok, else the drop is counted under the parser's reason.</summary>
        private bool Check(PacketStatus status)
        {
            if (status == PacketStatus.Ok) return true;
            Counters.CountDrop(status);
            return false;
        }
    }
}
