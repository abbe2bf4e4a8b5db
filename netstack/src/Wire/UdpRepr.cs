using System;
using System.Buffers.Binary;

namespace UefiRecovery.Netstack.Wire
{
    /// <summary>The parsed UDP header.</summary>
    public readonly struct UdpRepr
    {
        public UdpRepr(ushort sourcePort, ushort destinationPort, int payloadLength)
        {
            SourcePort = sourcePort;
            DestinationPort = destinationPort;
            PayloadLength = payloadLength;
        }

        public ushort SourcePort { get; }
        public ushort DestinationPort { get; }
        public int PayloadLength { get; }

        public int BufferLength => UdpPacket.HeaderLength + PayloadLength;

        public static PacketStatus Parse(in UdpPacket packet, Ipv4Address source, Ipv4Address destination, out UdpRepr repr)
        {
            repr = default;
            if (!packet.VerifyChecksum(source, destination)) return PacketStatus.BadChecksum;
            // Port 0 is reserved as a destination (RFC 768 / IANA); nothing can be listening there.
            if (packet.DestinationPort == 0) return PacketStatus.BadValue;
            repr = new UdpRepr(packet.SourcePort, packet.DestinationPort, packet.Payload.Length);
            return PacketStatus.Ok;
        }

        /// <summary>
        /// Writes the header into the first 8 bytes of <paramref name="datagram"/> (exactly
        /// <see cref="BufferLength"/> bytes, payload already in place after the header) and the checksum.
        /// </summary>
        public void Emit(Span<byte> datagram, Ipv4Address source, Ipv4Address destination)
        {
            Span<byte> d = datagram.Slice(0, BufferLength);
            BinaryPrimitives.WriteUInt16BigEndian(d, SourcePort);
            BinaryPrimitives.WriteUInt16BigEndian(d.Slice(2), DestinationPort);
            BinaryPrimitives.WriteUInt16BigEndian(d.Slice(4), (ushort)BufferLength);
            d[6] = 0;
            d[7] = 0;
            uint sum = Checksum.PseudoHeader(source, destination, (byte)IpProtocol.Udp, BufferLength);
            ushort value = Checksum.Finish(Checksum.Accumulate(sum, d));
            // A computed zero is sent as all ones; zero on the wire means "no checksum" (RFC 768).
            if (value == 0) value = 0xFFFF;
            BinaryPrimitives.WriteUInt16BigEndian(d.Slice(6), value);
        }
    }
}
