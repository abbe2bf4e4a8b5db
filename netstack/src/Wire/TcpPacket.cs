using System;
using System.Buffers.Binary;

namespace UefiRecovery.Netstack.Wire
{
    /// <summary>
    /// A checked view of a TCP segment (RFC 9293 §3.1). <see cref="TryCreate"/> checks the data offset against
    /// the buffer, so <see cref="Options"/> and <see cref="Payload"/> can never read outside it. The buffer is
    /// the IPv4 payload, already trimmed to the datagram's Total Length.
    /// </summary>
    public readonly ref struct TcpPacket
    {
        public const int MinimumHeaderLength = 20;

        private readonly ReadOnlySpan<byte> _buffer;

        private TcpPacket(ReadOnlySpan<byte> buffer) { _buffer = buffer; }

        public static bool TryCreate(ReadOnlySpan<byte> buffer, out TcpPacket packet)
        {
            packet = default;
            if (buffer.Length < MinimumHeaderLength) return false;
            int headerLength = (buffer[12] >> 4) * 4;
            if (headerLength < MinimumHeaderLength || headerLength > buffer.Length) return false;
            packet = new TcpPacket(buffer);
            return true;
        }

        public ushort SourcePort => BinaryPrimitives.ReadUInt16BigEndian(_buffer);
        public ushort DestinationPort => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(2));
        public uint SequenceNumber => BinaryPrimitives.ReadUInt32BigEndian(_buffer.Slice(4));
        public uint AcknowledgmentNumber => BinaryPrimitives.ReadUInt32BigEndian(_buffer.Slice(8));
        public int HeaderLength => (_buffer[12] >> 4) * 4;
        public TcpFlags Flags => (TcpFlags)(_buffer[13] & 0x3F);
        public ushort Window => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(14));
        public ushort Checksum => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(16));
        public ReadOnlySpan<byte> Options => _buffer.Slice(MinimumHeaderLength, HeaderLength - MinimumHeaderLength);
        public ReadOnlySpan<byte> Payload => _buffer.Slice(HeaderLength);
        public int Length => _buffer.Length;

        /// <summary>Verifies the checksum over pseudo-header, header and payload (mandatory for TCP, unlike UDP).</summary>
        public bool VerifyChecksum(Ipv4Address source, Ipv4Address destination)
        {
            uint sum = Wire.Checksum.PseudoHeader(source, destination, (byte)IpProtocol.Tcp, _buffer.Length);
            return Wire.Checksum.Finish(Wire.Checksum.Accumulate(sum, _buffer)) == 0;
        }
    }
}
