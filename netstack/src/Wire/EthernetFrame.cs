using System;
using System.Buffers.Binary;

namespace UefiRecovery.Netstack.Wire
{
    /// <summary>
    /// A checked view of an Ethernet II frame (no FCS; devices strip it). After TryCreate, every
    /// accessor reads inside the buffer.
    /// </summary>
    public readonly ref struct EthernetFrame
    {
        public const int HeaderLength = 14;
        /// <summary>The shortest frame on the wire without FCS (IEEE 802.3 §4.4.2: 64 with FCS).</summary>
        public const int MinimumFrameLength = 60;
        private const int DestinationOffset = 0;
        private const int SourceOffset = 6;
        private const int EtherTypeOffset = 12;

        private readonly ReadOnlySpan<byte> _buffer;

        private EthernetFrame(ReadOnlySpan<byte> buffer) { _buffer = buffer; }

        public static bool TryCreate(ReadOnlySpan<byte> buffer, out EthernetFrame frame)
        {
            if (buffer.Length < HeaderLength)
            {
                frame = default;
                return false;
            }
            frame = new EthernetFrame(buffer);
            return true;
        }

        public MacAddress Destination => MacAddress.Read(_buffer.Slice(DestinationOffset));

        public MacAddress Source => MacAddress.Read(_buffer.Slice(SourceOffset));

        public EtherType EtherType => (EtherType)BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(EtherTypeOffset));

        /// <summary>Everything after the header, including any padding a short frame carries.</summary>
        public ReadOnlySpan<byte> Payload => _buffer.Slice(HeaderLength);
    }
}
