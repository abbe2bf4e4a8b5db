using System;
using System.Buffers.Binary;

namespace UefiRecovery.Netstack.Wire
{
    /// <summary>A checked view of an ICMPv4 message (RFC 792); 8 header bytes, then data.</summary>
    public readonly ref struct IcmpPacket
    {
        public const int HeaderLength = 8;
        public const byte TypeEchoReply = 0;
        public const byte TypeEchoRequest = 8;

        private readonly ReadOnlySpan<byte> _buffer;

        private IcmpPacket(ReadOnlySpan<byte> buffer) { _buffer = buffer; }

        public static bool TryCreate(ReadOnlySpan<byte> buffer, out IcmpPacket packet)
        {
            packet = default;
            if (buffer.Length < HeaderLength) return false;
            packet = new IcmpPacket(buffer);
            return true;
        }

        public byte Type => _buffer[0];
        public byte Code => _buffer[1];
        public ushort Checksum => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(2));
        /// <summary>Echo identifier (RFC 792 "Echo or Echo Reply Message").</summary>
        public ushort Identifier => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(4));
        public ushort SequenceNumber => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(6));
        public ReadOnlySpan<byte> Data => _buffer.Slice(HeaderLength);

        public bool VerifyChecksum() => Wire.Checksum.Compute(_buffer) == 0;
    }
}
