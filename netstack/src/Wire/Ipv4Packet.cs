using System;
using System.Buffers.Binary;

namespace UefiRecovery.Netstack.Wire
{
    /// <summary>
    /// A checked view of an IPv4 datagram (RFC 791 §3.1). TryCreate checks that the header, its
    /// options and the total length fit, so every accessor is safe. The view ends at Total Length:
    /// Ethernet padding after it is not part of the datagram.
    /// </summary>
    public readonly ref struct Ipv4Packet
    {
        public const int MinimumHeaderLength = 20;
        public const int MoreFragmentsFlag = 0x2000;
        public const int DontFragmentFlag = 0x4000;
        public const int FragmentOffsetMask = 0x1FFF;

        private readonly ReadOnlySpan<byte> _buffer;

        private Ipv4Packet(ReadOnlySpan<byte> buffer) { _buffer = buffer; }

        public static bool TryCreate(ReadOnlySpan<byte> buffer, out Ipv4Packet packet)
        {
            packet = default;
            if (buffer.Length < MinimumHeaderLength) return false;
            int headerLength = (buffer[0] & 0x0F) * 4;
            if (headerLength < MinimumHeaderLength || headerLength > buffer.Length) return false;
            int totalLength = BinaryPrimitives.ReadUInt16BigEndian(buffer.Slice(2));
            if (totalLength < headerLength || totalLength > buffer.Length) return false;
            packet = new Ipv4Packet(buffer.Slice(0, totalLength));
            return true;
        }

        public int Version => _buffer[0] >> 4;
        public int HeaderLength => (_buffer[0] & 0x0F) * 4;
        public byte TypeOfService => _buffer[1];
        public int TotalLength => _buffer.Length;
        public ushort Identification => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(4));
        private int FlagsAndOffset => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(6));
        public bool DontFragment => (FlagsAndOffset & DontFragmentFlag) != 0;
        public bool MoreFragments => (FlagsAndOffset & MoreFragmentsFlag) != 0;
        /// <summary>Fragment offset in 8-byte units.</summary>
        public int FragmentOffset => FlagsAndOffset & FragmentOffsetMask;
        public byte TimeToLive => _buffer[8];
        public IpProtocol Protocol => (IpProtocol)_buffer[9];
        public ushort HeaderChecksum => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(10));
        public Ipv4Address Source => Ipv4Address.Read(_buffer.Slice(12));
        public Ipv4Address Destination => Ipv4Address.Read(_buffer.Slice(16));
        public ReadOnlySpan<byte> Options => _buffer.Slice(MinimumHeaderLength, HeaderLength - MinimumHeaderLength);
        public ReadOnlySpan<byte> Payload => _buffer.Slice(HeaderLength);

        /// <summary>A correct header, checksum field included, sums to 0xFFFF (RFC 1071 §1).</summary>
        public bool VerifyChecksum() => Checksum.Compute(_buffer.Slice(0, HeaderLength)) == 0;
    }
}
