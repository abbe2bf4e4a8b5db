using System;
using UefiRecovery.Netstack.Iface;
using UefiRecovery.Netstack.Socket;
using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Netstack.Tests.Support
{
    /// <summary>
    /// The far end of one TCP connection, scripted by a test: the stack (10.77.0.1, port 40000) connects to the
    /// peer (10.77.0.2, port 80). Builds the peer's segments with the stack's own emitters and reads back what
    /// the stack sent. The peer's ARP entry is learned up front, so the first frame out is the SYN.
    /// </summary>
    public sealed class TcpPeer
    {
        public const ushort StackPort = 40000;
        public const ushort PeerPort = 80;
        public const uint Iss = 0xFFFF_FF00; // close to the wrap, so every test crosses 2^32
        public const uint PeerIss = 0x7000_0000;

        public TcpPeer(TcpConfig? config = null)
        {
            Device = new FakeDevice(Frames.DnsmasqMac);
            Iface = new Interface(Device, new InterfaceConfig { AnnounceCount = 0 });
            Iface.SetAddress(Frames.Net1, Frames.Mask24, default, new Instant(0));
            Device.Inject(Corpus.LinuxArpRequest); // teaches the stack the peer's MAC
            Iface.Poll(new Instant(0));
            Device.ClearSent();
            Socket = new TcpSocket(config ?? new TcpConfig());
            Iface.TryAttachTcp(Socket);
            FramesBefore = Iface.Counters.FramesReceived;
            _outcomesBefore = OutcomeSum(Iface.Counters);
        }

        private readonly long _outcomesBefore;

        private static long OutcomeSum(InterfaceCounters c) =>
            c.DroppedTotal + c.FramesNotForUs + c.FramesUnsupported + c.TcpDelivered + c.TcpNoSocket
            + c.ArpRepliesSent + c.ArpRepliesReceived + c.AddressConflicts + c.EchoRepliesSent + c.RepliesNotSent
            + c.UdpDelivered + c.UdpSocketFull + c.UdpNoSocket + c.DhcpMessagesReceived + c.IgmpQueriesReceived + c.IgmpReportsReceived;

        public FakeDevice Device { get; }
        public Interface Iface { get; }
        public TcpSocket Socket { get; }
        public long FramesBefore { get; }
        /// <summary>The peer's next sequence number (after the SYN-ACK: PeerIss + 1).</summary>
        public uint PeerNext { get; set; } = PeerIss;
        public long Now { get; set; }

        public void Connect() => Socket.Connect(Frames.Net2, PeerPort, StackPort, Iss, new Instant(Now));

        /// <summary>Connects and completes the handshake: the stack's SYN, the peer's SYN-ACK (window, MSS), the stack's ACK.</summary>
        public void Establish(ushort window = 64240, ushort mss = 1460)
        {
            Connect();
            Poll();
            Device.ClearSent();
            Inject(Segment(PeerIss, Iss + 1, TcpFlags.Syn | TcpFlags.Ack, window, mss, default));
            PeerNext = PeerIss + 1;
            Poll();
            Device.ClearSent();
        }

        public void Poll() => Iface.Poll(new Instant(Now));

        public void Advance(long ms)
        {
            Now += ms;
            Poll();
        }

        public void Inject(byte[] frame) => Device.Inject(frame);

        /// <summary>A segment from the peer to the stack (ACK bit and MSS as given).</summary>
        public static byte[] Segment(uint seq, uint ack, TcpFlags flags, ushort window, ushort mss, ReadOnlySpan<byte> payload,
            ushort sourcePort = PeerPort, ushort destinationPort = StackPort)
        {
            var tcp = new TcpRepr(sourcePort, destinationPort, seq, ack, flags, window, mss, payload.Length);
            var ip = new Ipv4Repr(Frames.Net2, Frames.Net1, IpProtocol.Tcp, tcp.BufferLength);
            byte[] frame = new byte[EthernetFrame.HeaderLength + ip.BufferLength];
            new EthernetRepr(Frames.DnsmasqMac, Frames.LinuxMac, EtherType.Ipv4).Emit(frame);
            ip.Emit(frame.AsSpan(EthernetFrame.HeaderLength));
            Span<byte> segment = frame.AsSpan(EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength);
            payload.CopyTo(segment.Slice(tcp.HeaderLength));
            tcp.Emit(segment, Frames.Net2, Frames.Net1);
            return frame;
        }

        /// <summary>Data (with ACK of everything the stack sent) at the peer's current sequence number, which then advances.</summary>
        public byte[] Data(ReadOnlySpan<byte> payload, ushort window = 64240, TcpFlags extra = TcpFlags.None)
        {
            byte[] frame = Segment(PeerNext, StackNext, TcpFlags.Ack | extra, window, 0, payload);
            PeerNext += (uint)payload.Length + ((extra & TcpFlags.Fin) != 0 ? 1u : 0u);
            return frame;
        }

        /// <summary>The stack's SND.NXT as the peer sees it: one past the last sequence number it sent.</summary>
        public uint StackNext { get; set; } = Iss + 1;

        public int SentCount => Device.TransmitCount;

        /// <summary>The TCP header and payload of the stack's <paramref name="index"/>th frame (checksum verified).</summary>
        public TcpRepr Sent(int index, out byte[] payload)
        {
            byte[] frame = Device.Sent(index);
            if (!EthernetFrame.TryCreate(frame, out EthernetFrame eth) || !Ipv4Packet.TryCreate(eth.Payload, out Ipv4Packet ip))
                throw new InvalidOperationException("not an IPv4 frame");
            if (Ipv4Repr.Parse(ip, out Ipv4Repr ipRepr) != PacketStatus.Ok || ipRepr.Protocol != IpProtocol.Tcp)
                throw new InvalidOperationException("not TCP");
            if (!TcpPacket.TryCreate(ip.Payload, out TcpPacket packet))
                throw new InvalidOperationException("bad TCP header");
            PacketStatus status = TcpRepr.Parse(packet, ipRepr.Source, ipRepr.Destination, out TcpRepr tcp);
            if (status != PacketStatus.Ok) throw new InvalidOperationException("stack sent TCP that does not parse: " + status);
            payload = packet.Payload.ToArray();
            return tcp;
        }

        public TcpRepr Sent(int index) => Sent(index, out _);

        public TcpRepr LastSent(out byte[] payload) => Sent(SentCount - 1, out payload);

        public TcpRepr LastSent() => Sent(SentCount - 1, out _);

        /// <summary>Every frame given to the interface counted once, and every segment given to the socket counted once.</summary>
        public void AssertCountersAddUp()
        {
            InterfaceCounters c = Iface.Counters;
            long received = c.FramesReceived - FramesBefore;
            long outcomes = OutcomeSum(c) - _outcomesBefore;
            if (received != outcomes) throw new InvalidOperationException("interface: " + received + " frames, " + outcomes + " outcomes");
            if (Socket.Counters.SegmentsReceived != Socket.Counters.OutcomeTotal || Socket.Counters.SegmentsReceived != c.TcpDelivered)
                throw new InvalidOperationException("socket: " + Socket.Counters.SegmentsReceived + " segments, " + Socket.Counters.OutcomeTotal
                    + " outcomes, " + c.TcpDelivered + " delivered");
        }
    }
}
