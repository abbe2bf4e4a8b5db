using System;
using System.Buffers.Binary;

namespace UefiRecovery.Netstack.Wire
{
    /// <summary>
    /// A checked view of a BOOTP/DHCP message (RFC 2131 §2, figure 1): 236 fixed bytes, the magic
    /// cookie (RFC 2131 §3), then options. TryCreate checks that the fixed part and cookie fit.
    /// </summary>
    public readonly ref struct DhcpMessage
    {
        public const int FixedLength = 236;
        public const int OptionsOffset = 240;
        public const uint MagicCookie = 0x63825363;
        public const byte OpRequest = 1;
        public const byte OpReply = 2;
        public const ushort BroadcastFlag = 0x8000;
        public const ushort ServerPort = 67;
        public const ushort ClientPort = 68;

        private readonly ReadOnlySpan<byte> _buffer;

        private DhcpMessage(ReadOnlySpan<byte> buffer) { _buffer = buffer; }

        public static bool TryCreate(ReadOnlySpan<byte> buffer, out DhcpMessage message)
        {
            message = default;
            if (buffer.Length < OptionsOffset) return false;
            message = new DhcpMessage(buffer);
            return true;
        }

        public byte Op => _buffer[0];
        public byte HardwareType => _buffer[1];
        public byte HardwareLength => _buffer[2];
        public byte Hops => _buffer[3];
        public uint TransactionId => BinaryPrimitives.ReadUInt32BigEndian(_buffer.Slice(4));
        public ushort Seconds => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(8));
        public ushort Flags => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(10));
        public Ipv4Address ClientAddress => Ipv4Address.Read(_buffer.Slice(12));
        public Ipv4Address YourAddress => Ipv4Address.Read(_buffer.Slice(16));
        public Ipv4Address ServerAddress => Ipv4Address.Read(_buffer.Slice(20));
        public Ipv4Address RelayAgentAddress => Ipv4Address.Read(_buffer.Slice(24));
        /// <summary>The 16-byte chaddr field; only the first 6 bytes are an Ethernet address.</summary>
        public ReadOnlySpan<byte> ClientHardwareField => _buffer.Slice(28, 16);
        public uint Cookie => BinaryPrimitives.ReadUInt32BigEndian(_buffer.Slice(FixedLength));
        public ReadOnlySpan<byte> Options => _buffer.Slice(OptionsOffset);
    }
}
