using System;

namespace UefiRecovery.Netstack.Wire
{
    /// <summary>A 48-bit IEEE 802 MAC address kept in the low 48 bits of a ulong, first octet highest.</summary>
    public readonly struct MacAddress
    {
        public const int Length = 6;

        public MacAddress(ulong value) { Value = value & 0xFFFF_FFFF_FFFFUL; }

        public ulong Value { get; }

        public static MacAddress Broadcast => new MacAddress(0xFFFF_FFFF_FFFFUL);

        public static MacAddress Zero => new MacAddress(0);

        /// <summary>Reads six octets; the caller guarantees <paramref name="bytes"/> has at least six.</summary>
        public static MacAddress Read(ReadOnlySpan<byte> bytes)
        {
            ulong v = 0;
            for (int i = 0; i < Length; i++) v = (v << 8) | bytes[i];
            return new MacAddress(v);
        }

        public static MacAddress FromBytes(byte a, byte b, byte c, byte d, byte e, byte f) =>
            new MacAddress(((ulong)a << 40) | ((ulong)b << 32) | ((ulong)c << 24) | ((ulong)d << 16) | ((ulong)e << 8) | f);

        public void Write(Span<byte> destination)
        {
            for (int i = 0; i < Length; i++) destination[i] = (byte)(Value >> (8 * (Length - 1 - i)));
        }

        public bool IsBroadcast => Value == 0xFFFF_FFFF_FFFFUL;

        /// <summary>The group bit (I/G, least significant bit of the first octet), IEEE 802-2014 §8.2.</summary>
        public bool IsMulticast => ((Value >> 40) & 1) != 0;

        public bool IsUnicast => !IsMulticast;

        public bool Equals(MacAddress other) => Value == other.Value;

        /// <summary>RFC 1112 §6.4: 01:00:5e plus the low 23 bits of the IPv4 group address.</summary>
        public static MacAddress FromIpv4Multicast(Ipv4Address group) =>
            new MacAddress(0x01005E000000UL | (group.Value & 0x7FFFFFu));

        /// <summary>"52:54:00:12:34:56": six lower-case hex pairs and five colons.</summary>
        public const int TextLength = 17;

        /// <summary>
        /// "52:54:00:12:34:56" (lower case, colons, as Linux prints it); false and 0 chars when
        /// <paramref name="destination"/> is shorter than <see cref="TextLength"/>.
        /// </summary>
        public bool TryFormat(Span<char> destination, out int charsWritten)
        {
            charsWritten = 0;
            if (destination.Length < TextLength)
                return false;
            for (int i = 0; i < Length; i++)
            {
                uint octet = (uint)(Value >> (8 * (Length - 1 - i))) & 0xFF;
                destination[3 * i] = HexDigit(octet >> 4);
                destination[3 * i + 1] = HexDigit(octet & 0xF);
                if (i < Length - 1) destination[3 * i + 2] = ':';
            }
            charsWritten = TextLength;
            return true;
        }

        private static char HexDigit(uint value) => (char)(value < 10 ? '0' + value : 'a' + value - 10);
    }
}
