using System;
using System.Buffers.Binary;

namespace UefiRecovery.Netstack.Wire
{
    /// <summary>
    /// The parsed IPv4 header fields the stack uses. The stack never fragments, so an emitted
    /// header has Don't Fragment set; its only option is Router Alert, which IGMP requires.
    /// </summary>
    public readonly struct Ipv4Repr
    {
        public const byte DefaultTimeToLive = 64;
        private const int OptionEndOfList = 0;
        private const int OptionNoOperation = 1;
        /// <summary>Router Alert, RFC 2113: harmless to ignore for an end host, sent with IGMP.</summary>
        private const int OptionRouterAlert = 148;

        public Ipv4Repr(Ipv4Address source, Ipv4Address destination, IpProtocol protocol, int payloadLength,
            byte timeToLive = DefaultTimeToLive, ushort identification = 0, bool routerAlert = false, byte typeOfService = 0)
        {
            TypeOfService = typeOfService;
            RouterAlert = routerAlert;
            Source = source;
            Destination = destination;
            Protocol = protocol;
            PayloadLength = payloadLength;
            TimeToLive = timeToLive;
            Identification = identification;
        }

        public Ipv4Address Source { get; }
        public Ipv4Address Destination { get; }
        public IpProtocol Protocol { get; }
        public int PayloadLength { get; }
        public byte TimeToLive { get; }
        public ushort Identification { get; }
        /// <summary>Carries the Router Alert option (RFC 2113); every IGMP message does (RFC 2236 §2).</summary>
        public bool RouterAlert { get; }
        /// <summary>DSCP and ECN bits (RFC 2474, RFC 3168); carried through, not interpreted.</summary>
        public byte TypeOfService { get; }

        public int HeaderLength => Ipv4Packet.MinimumHeaderLength + (RouterAlert ? RouterAlertLength : 0);

        public int BufferLength => HeaderLength + PayloadLength;

        private const int RouterAlertLength = 4;

        /// <summary>
        /// Checks version, header checksum, fragmentation and options. Fragments are refused
        /// (no reassembly), and so are options other than NOP, EOL and Router Alert.
        /// </summary>
        public static PacketStatus Parse(in Ipv4Packet packet, out Ipv4Repr repr)
        {
            repr = default;
            if (packet.Version != 4) return PacketStatus.BadValue;
            if (!packet.VerifyChecksum()) return PacketStatus.BadChecksum;
            if (packet.MoreFragments || packet.FragmentOffset != 0) return PacketStatus.Fragmented;
            PacketStatus options = CheckOptions(packet.Options, out bool routerAlert);
            if (options != PacketStatus.Ok) return options;
            repr = new Ipv4Repr(packet.Source, packet.Destination, packet.Protocol, packet.Payload.Length,
                packet.TimeToLive, packet.Identification, routerAlert, packet.TypeOfService);
            return PacketStatus.Ok;
        }

        /// <summary>Walks the option list (RFC 791 §3.1 "Options"), checking every length.</summary>
        private static PacketStatus CheckOptions(ReadOnlySpan<byte> options, out bool routerAlert)
        {
            routerAlert = false;
            int i = 0;
            while (i < options.Length)
            {
                int type = options[i];
                if (type == OptionEndOfList) return PacketStatus.Ok;
                if (type == OptionNoOperation) { i++; continue; }
                if (options.Length - i < 2) return PacketStatus.Malformed;
                int length = options[i + 1];
                if (length < 2 || length > options.Length - i) return PacketStatus.Malformed;
                if (type != OptionRouterAlert) return PacketStatus.UnsupportedOption;
                routerAlert = true;
                i += length;
            }
            return PacketStatus.Ok;
        }

        /// <summary>Writes the header (<see cref="HeaderLength"/> bytes, checksum included) into the start of <paramref name="buffer"/>.</summary>
        public void Emit(Span<byte> buffer)
        {
            Span<byte> header = buffer.Slice(0, HeaderLength);
            header[0] = (byte)(0x40 | (HeaderLength / 4));
            header[1] = TypeOfService;
            BinaryPrimitives.WriteUInt16BigEndian(header.Slice(2), (ushort)BufferLength);
            BinaryPrimitives.WriteUInt16BigEndian(header.Slice(4), Identification);
            BinaryPrimitives.WriteUInt16BigEndian(header.Slice(6), (ushort)Ipv4Packet.DontFragmentFlag);
            header[8] = TimeToLive;
            header[9] = (byte)Protocol;
            header[10] = 0;
            header[11] = 0;
            Source.Write(header.Slice(12));
            Destination.Write(header.Slice(16));
            if (RouterAlert)
            {
                // RFC 2113 §2.1: type 148, length 4, value 0 ("routers shall examine packet").
                header[20] = OptionRouterAlert;
                header[21] = RouterAlertLength;
                header[22] = 0;
                header[23] = 0;
            }
            BinaryPrimitives.WriteUInt16BigEndian(header.Slice(10), Checksum.Compute(header));
        }
    }
}
