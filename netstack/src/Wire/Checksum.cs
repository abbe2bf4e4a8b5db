using System;
using System.Buffers.Binary;

namespace UefiRecovery.Netstack.Wire
{
    /// <summary>The Internet checksum, RFC 1071: 16-bit one's-complement sum of 16-bit words.</summary>
    public static class Checksum
    {
        /// <summary>
        /// Adds <paramref name="data"/> to a running sum as big-endian 16-bit words, padding an odd
        /// trailing byte with zero. Carries are folded back in, so the sum never overflows.
        /// </summary>
        public static uint Accumulate(uint sum, ReadOnlySpan<byte> data)
        {
            // RFC 1071 §2(C): the sum may be taken over wider words and folded at the end. Eight
            // bytes at a time, as two 32-bit halves; a 64 KiB span adds at most 2^46, so no overflow.
            ulong acc = sum;
            int i = 0;
            for (; data.Length - i >= 8; i += 8)
            {
                ulong w = BinaryPrimitives.ReadUInt64BigEndian(data.Slice(i, 8));
                acc += (w >> 32) + (w & 0xFFFF_FFFFUL);
            }
            if (data.Length - i >= 4)
            {
                acc += BinaryPrimitives.ReadUInt32BigEndian(data.Slice(i, 4));
                i += 4;
            }
            if (data.Length - i >= 2)
            {
                acc += BinaryPrimitives.ReadUInt16BigEndian(data.Slice(i, 2));
                i += 2;
            }
            if (i < data.Length) acc += (uint)(data[i] << 8);
            return Reduce(acc);
        }

        /// <summary>The IPv4 pseudo-header (RFC 768, RFC 793 §3.1) used by UDP checksums.</summary>
        public static uint PseudoHeader(Ipv4Address source, Ipv4Address destination, byte protocol, int length)
        {
            ulong acc = (source.Value >> 16) + (source.Value & 0xFFFF)
                + (destination.Value >> 16) + (destination.Value & 0xFFFF)
                + protocol + (uint)length;
            return Reduce(acc);
        }

        /// <summary>Final fold and complement: the value to put in a checksum field.</summary>
        public static ushort Finish(uint sum)
        {
            return (ushort)~Reduce(sum);
        }

        /// <summary>Checksum of a whole span (a header that carries its own checksum verifies to 0).</summary>
        public static ushort Compute(ReadOnlySpan<byte> data) => Finish(Accumulate(0, data));

        private static uint Reduce(ulong acc)
        {
            while ((acc >> 16) != 0) acc = (acc & 0xFFFF) + (acc >> 16);
            return (uint)acc;
        }
    }
}
