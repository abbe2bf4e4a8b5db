using System;
using System.Buffers.Binary;

namespace UefiRecovery.Netstack.Wire
{
    /// <summary>
    /// The parsed TCP header: ports, numbers, control bits, window and the one option we use, MSS (RFC 9293
    /// §3.2, kind 2). Other options (window scale, SACK-permitted, timestamps) are walked and skipped: we do
    /// not offer them, so a peer must not use them (RFC 7323 §1.3, RFC 2018 §2).
    /// </summary>
    public readonly struct TcpRepr
    {
        public const int MssOptionLength = 4;
        private const int OptionEndOfList = 0;
        private const int OptionNoOperation = 1;
        private const int OptionMss = 2;

        public TcpRepr(ushort sourcePort, ushort destinationPort, uint sequenceNumber, uint acknowledgmentNumber,
            TcpFlags flags, ushort window, ushort maximumSegmentSize, int payloadLength)
        {
            SourcePort = sourcePort;
            DestinationPort = destinationPort;
            SequenceNumber = sequenceNumber;
            AcknowledgmentNumber = acknowledgmentNumber;
            Flags = flags;
            Window = window;
            MaximumSegmentSize = maximumSegmentSize;
            PayloadLength = payloadLength;
        }

        public ushort SourcePort { get; }
        public ushort DestinationPort { get; }
        public uint SequenceNumber { get; }
        public uint AcknowledgmentNumber { get; }
        public TcpFlags Flags { get; }
        public ushort Window { get; }
        /// <summary>The MSS option's value; 0 when absent (emitted only when non-zero).</summary>
        public ushort MaximumSegmentSize { get; }
        public int PayloadLength { get; }

        public bool Has(TcpFlags flag) => (Flags & flag) != 0;

        public int HeaderLength => TcpPacket.MinimumHeaderLength + (MaximumSegmentSize != 0 ? MssOptionLength : 0);
        public int BufferLength => HeaderLength + PayloadLength;

        /// <summary>Sequence space the segment occupies: its data, plus one each for SYN and FIN (RFC 9293 §3.4).</summary>
        public uint SegmentLength => (uint)PayloadLength + (Has(TcpFlags.Syn) ? 1u : 0u) + (Has(TcpFlags.Fin) ? 1u : 0u);

        public static PacketStatus Parse(in TcpPacket packet, Ipv4Address source, Ipv4Address destination, out TcpRepr repr)
        {
            repr = default;
            if (!packet.VerifyChecksum(source, destination)) return PacketStatus.BadChecksum;
            if (packet.SourcePort == 0 || packet.DestinationPort == 0) return PacketStatus.BadValue;
            PacketStatus options = ReadOptions(packet.Options, out ushort mss);
            if (options != PacketStatus.Ok) return options;
            repr = new TcpRepr(packet.SourcePort, packet.DestinationPort, packet.SequenceNumber, packet.AcknowledgmentNumber,
                packet.Flags, packet.Window, mss, packet.Payload.Length);
            return PacketStatus.Ok;
        }

        /// <summary>Walks the option list (RFC 9293 §3.2), checking every length before reading; a bad MSS length is Malformed.</summary>
        private static PacketStatus ReadOptions(ReadOnlySpan<byte> options, out ushort mss)
        {
            mss = 0;
            int i = 0;
            while (i < options.Length)
            {
                int kind = options[i];
                if (kind == OptionEndOfList) return PacketStatus.Ok;
                if (kind == OptionNoOperation) { i++; continue; }
                if (options.Length - i < 2) return PacketStatus.Malformed;
                int length = options[i + 1];
                if (length < 2 || length > options.Length - i) return PacketStatus.Malformed;
                if (kind == OptionMss)
                {
                    if (length != MssOptionLength) return PacketStatus.Malformed;
                    mss = BinaryPrimitives.ReadUInt16BigEndian(options.Slice(i + 2));
                }
                i += length;
            }
            return PacketStatus.Ok;
        }

        /// <summary>
        /// Writes the header into the start of <paramref name="segment"/> (exactly <see cref="BufferLength"/> bytes,
        /// payload already in place after the header) and the checksum over all of it.
        /// </summary>
        public void Emit(Span<byte> segment, Ipv4Address source, Ipv4Address destination)
        {
            Span<byte> s = segment.Slice(0, BufferLength);
            BinaryPrimitives.WriteUInt16BigEndian(s, SourcePort);
            BinaryPrimitives.WriteUInt16BigEndian(s.Slice(2), DestinationPort);
            BinaryPrimitives.WriteUInt32BigEndian(s.Slice(4), SequenceNumber);
            BinaryPrimitives.WriteUInt32BigEndian(s.Slice(8), AcknowledgmentNumber);
            s[12] = (byte)((HeaderLength / 4) << 4);
            s[13] = (byte)Flags;
            BinaryPrimitives.WriteUInt16BigEndian(s.Slice(14), Window);
            s[16] = 0;
            s[17] = 0;
            s[18] = 0; // urgent pointer: never used
            s[19] = 0;
            if (MaximumSegmentSize != 0)
            {
                s[20] = OptionMss;
                s[21] = MssOptionLength;
                BinaryPrimitives.WriteUInt16BigEndian(s.Slice(22), MaximumSegmentSize);
            }
            uint sum = Checksum.PseudoHeader(source, destination, (byte)IpProtocol.Tcp, BufferLength);
            BinaryPrimitives.WriteUInt16BigEndian(s.Slice(16), Checksum.Finish(Checksum.Accumulate(sum, s)));
        }
    }
}
