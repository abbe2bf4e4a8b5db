using System;
using System.Buffers.Binary;

namespace UefiRecovery.Netstack.Wire
{
    /// <summary>
    /// A checked view of an IGMP message (RFC 2236 §2): type, max response time, checksum, group.
    /// IGMPv3 queries (RFC 3376 §4.1) are longer; the first 8 bytes have the same layout.
    /// </summary>
    public readonly ref struct IgmpPacket
    {
        public const int HeaderLength = 8;

        private readonly ReadOnlySpan<byte> _buffer;

        private IgmpPacket(ReadOnlySpan<byte> buffer) { _buffer = buffer; }

        public static bool TryCreate(ReadOnlySpan<byte> buffer, out IgmpPacket packet)
        {
            packet = default;
            if (buffer.Length < HeaderLength) return false;
            packet = new IgmpPacket(buffer);
            return true;
        }

        public IgmpMessageType Type => (IgmpMessageType)_buffer[0];
        /// <summary>In tenths of a second (RFC 2236 §2.2); 0 in an IGMPv1 query.</summary>
        public byte MaxResponseTime => _buffer[1];
        public ushort Checksum => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(2));
        public Ipv4Address GroupAddress => Ipv4Address.Read(_buffer.Slice(4));
        public int Length => _buffer.Length;

        /// <summary>The checksum covers the whole IGMP message (RFC 2236 §2.3).</summary>
        public bool VerifyChecksum() => Wire.Checksum.Compute(_buffer) == 0;
    }
}
