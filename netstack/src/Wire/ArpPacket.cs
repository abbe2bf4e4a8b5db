using System;
using System.Buffers.Binary;

namespace UefiRecovery.Netstack.Wire
{
    /// <summary>
    /// A checked view of an ARP packet (RFC 826). TryCreate checks the fixed part and that both
    /// address pairs, whose sizes the packet itself declares, fit in the buffer.
    /// </summary>
    public readonly ref struct ArpPacket
    {
        public const int FixedLength = 8;
        /// <summary>Length of an Ethernet/IPv4 ARP packet: 8 + 2 * (6 + 4).</summary>
        public const int EthernetIpv4Length = 28;
        public const ushort HardwareTypeEthernet = 1;

        private readonly ReadOnlySpan<byte> _buffer;

        private ArpPacket(ReadOnlySpan<byte> buffer) { _buffer = buffer; }

        public static bool TryCreate(ReadOnlySpan<byte> buffer, out ArpPacket packet)
        {
            packet = default;
            if (buffer.Length < FixedLength) return false;
            int addresses = 2 * (buffer[4] + buffer[5]);
            if (addresses > buffer.Length - FixedLength) return false;
            packet = new ArpPacket(buffer.Slice(0, FixedLength + addresses));
            return true;
        }

        public ushort HardwareType => BinaryPrimitives.ReadUInt16BigEndian(_buffer);
        public ushort ProtocolType => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(2));
        public byte HardwareLength => _buffer[4];
        public byte ProtocolLength => _buffer[5];
        public ArpOperation Operation => (ArpOperation)BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(6));

        public ReadOnlySpan<byte> SenderHardwareAddress => _buffer.Slice(FixedLength, HardwareLength);
        public ReadOnlySpan<byte> SenderProtocolAddress => _buffer.Slice(FixedLength + HardwareLength, ProtocolLength);
        public ReadOnlySpan<byte> TargetHardwareAddress => _buffer.Slice(FixedLength + HardwareLength + ProtocolLength, HardwareLength);
        public ReadOnlySpan<byte> TargetProtocolAddress => _buffer.Slice(FixedLength + 2 * HardwareLength + ProtocolLength, ProtocolLength);
    }
}
