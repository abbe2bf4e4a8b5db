using System;
using System.Buffers.Binary;

namespace UefiRecovery.Netstack.Wire
{
    /// <summary>An IPv4 address in host order: 10.0.0.1 is 0x0A000001.</summary>
    public readonly struct Ipv4Address
    {
        public const int Length = 4;

        public Ipv4Address(uint value) { Value = value; }

        public uint Value { get; }

        public static Ipv4Address Unspecified => new Ipv4Address(0);

        public static Ipv4Address Broadcast => new Ipv4Address(0xFFFF_FFFFu);

        public static Ipv4Address FromBytes(byte a, byte b, byte c, byte d) =>
            new Ipv4Address(((uint)a << 24) | ((uint)b << 16) | ((uint)c << 8) | d);

        /// <summary>Reads four octets in network order; the caller guarantees the span has four.</summary>
        public static Ipv4Address Read(ReadOnlySpan<byte> bytes) => new Ipv4Address(BinaryPrimitives.ReadUInt32BigEndian(bytes));

        public void Write(Span<byte> destination) => BinaryPrimitives.WriteUInt32BigEndian(destination, Value);

        public bool IsUnspecified => Value == 0;

        public bool IsLimitedBroadcast => Value == 0xFFFF_FFFFu;

        /// <summary>224.0.0.0/4, RFC 5771.</summary>
        public bool IsMulticast => (Value & 0xF000_0000u) == 0xE000_0000u;

        /// <summary>127.0.0.0/8, never valid on the wire (RFC 1122 §3.2.1.3).</summary>
        public bool IsLoopback => (Value & 0xFF00_0000u) == 0x7F00_0000u;

        public bool IsUnicast => !IsUnspecified && !IsLimitedBroadcast && !IsMulticast && !IsLoopback;

        public bool Equals(Ipv4Address other) => Value == other.Value;

        public bool IsInSubnet(Ipv4Address network, Ipv4Address mask) => (Value & mask.Value) == (network.Value & mask.Value);

        /// <summary>The directed broadcast address of the subnet this address sits in.</summary>
        public Ipv4Address SubnetBroadcast(Ipv4Address mask) => new Ipv4Address((Value & mask.Value) | ~mask.Value);

        /// <summary>The longest dotted quad, "255.255.255.255".</summary>
        public const int MaxTextLength = 15;

        /// <summary>
        /// The dotted quad ("10.0.0.1"), as IPAddress.TryFormat writes it; false and 0 chars when
        /// <paramref name="destination"/> is too short.
        /// </summary>
        public bool TryFormat(Span<char> destination, out int charsWritten)
        {
            charsWritten = 0;
            int n = 0;
            for (int shift = 24; shift >= 0; shift -= 8)
            {
                uint octet = (Value >> shift) & 0xFF;
                int needed = (octet >= 100 ? 3 : octet >= 10 ? 2 : 1) + (shift != 0 ? 1 : 0);
                if (destination.Length - n < needed)
                    return false;
                if (octet >= 100) destination[n++] = (char)('0' + octet / 100);
                if (octet >= 10) destination[n++] = (char)('0' + octet / 10 % 10);
                destination[n++] = (char)('0' + octet % 10);
                if (shift != 0) destination[n++] = '.';
            }
            charsWritten = n;
            return true;
        }
    }
}
