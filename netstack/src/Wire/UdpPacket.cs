using System;
using System.Buffers.Binary;

namespace UefiRecovery.Netstack.Wire
{
    /// <summary>
    /// A checked view of a UDP datagram (RFC 768). The view is trimmed to the Length field, so
    /// payload bytes beyond it (padding) are never seen.
    /// </summary>
    public readonly ref struct UdpPacket
    {
        public const int HeaderLength = 8;

        private readonly ReadOnlySpan<byte> _buffer;

        private UdpPacket(ReadOnlySpan<byte> buffer) { _buffer = buffer; }

        public static bool TryCreate(ReadOnlySpan<byte> buffer, out UdpPacket packet)
        {
            packet = default;
            if (buffer.Length < HeaderLength) return false;
            int length = BinaryPrimitives.ReadUInt16BigEndian(buffer.Slice(4));
            if (length < HeaderLength || length > buffer.Length) return false;
            packet = new UdpPacket(buffer.Slice(0, length));
            return true;
        }

        public ushort SourcePort => BinaryPrimitives.ReadUInt16BigEndian(_buffer);
        public ushort DestinationPort => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(2));
        public int Length => _buffer.Length;
        public ushort Checksum => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(6));
        public ReadOnlySpan<byte> Payload => _buffer.Slice(HeaderLength);

        /// <summary>
        /// Verifies the checksum over pseudo-header, header and payload. A zero field means the
        /// sender computed none, which RFC 768 allows over IPv4.
        /// </summary>
        public bool VerifyChecksum(Ipv4Address source, Ipv4Address destination)
        {
            if (Checksum == 0) return true;
            uint sum = Wire.Checksum.PseudoHeader(source, destination, (byte)IpProtocol.Udp, _buffer.Length);
            return Wire.Checksum.Finish(Wire.Checksum.Accumulate(sum, _buffer)) == 0;
        }
    }
}
