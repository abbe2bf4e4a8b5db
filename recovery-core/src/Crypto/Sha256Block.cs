using System;
using System.Buffers.Binary;
using System.Numerics;

namespace UefiRecovery.Core.Crypto;

/// <summary>The SHA-256 compression function and final padding (FIPS 180-4, sections 4.1.2, 5.1.1, 6.2.2).</summary>
internal static class Sha256Block
{
    // FIPS 180-4 section 4.2.2: first 32 bits of the fractional parts of the cube roots of the first 64 primes,
    // stored big-endian as bytes: a byte table is plain static data in every build (a uint table goes through
    // RuntimeHelpers.CreateSpan, which allocates in unoptimized host builds).
    private static ReadOnlySpan<byte> RoundConstants => new byte[]
    {
        0x42, 0x8a, 0x2f, 0x98, 0x71, 0x37, 0x44, 0x91, 0xb5, 0xc0, 0xfb, 0xcf, 0xe9, 0xb5, 0xdb, 0xa5,
        0x39, 0x56, 0xc2, 0x5b, 0x59, 0xf1, 0x11, 0xf1, 0x92, 0x3f, 0x82, 0xa4, 0xab, 0x1c, 0x5e, 0xd5,
        0xd8, 0x07, 0xaa, 0x98, 0x12, 0x83, 0x5b, 0x01, 0x24, 0x31, 0x85, 0xbe, 0x55, 0x0c, 0x7d, 0xc3,
        0x72, 0xbe, 0x5d, 0x74, 0x80, 0xde, 0xb1, 0xfe, 0x9b, 0xdc, 0x06, 0xa7, 0xc1, 0x9b, 0xf1, 0x74,
        0xe4, 0x9b, 0x69, 0xc1, 0xef, 0xbe, 0x47, 0x86, 0x0f, 0xc1, 0x9d, 0xc6, 0x24, 0x0c, 0xa1, 0xcc,
        0x2d, 0xe9, 0x2c, 0x6f, 0x4a, 0x74, 0x84, 0xaa, 0x5c, 0xb0, 0xa9, 0xdc, 0x76, 0xf9, 0x88, 0xda,
        0x98, 0x3e, 0x51, 0x52, 0xa8, 0x31, 0xc6, 0x6d, 0xb0, 0x03, 0x27, 0xc8, 0xbf, 0x59, 0x7f, 0xc7,
        0xc6, 0xe0, 0x0b, 0xf3, 0xd5, 0xa7, 0x91, 0x47, 0x06, 0xca, 0x63, 0x51, 0x14, 0x29, 0x29, 0x67,
        0x27, 0xb7, 0x0a, 0x85, 0x2e, 0x1b, 0x21, 0x38, 0x4d, 0x2c, 0x6d, 0xfc, 0x53, 0x38, 0x0d, 0x13,
        0x65, 0x0a, 0x73, 0x54, 0x76, 0x6a, 0x0a, 0xbb, 0x81, 0xc2, 0xc9, 0x2e, 0x92, 0x72, 0x2c, 0x85,
        0xa2, 0xbf, 0xe8, 0xa1, 0xa8, 0x1a, 0x66, 0x4b, 0xc2, 0x4b, 0x8b, 0x70, 0xc7, 0x6c, 0x51, 0xa3,
        0xd1, 0x92, 0xe8, 0x19, 0xd6, 0x99, 0x06, 0x24, 0xf4, 0x0e, 0x35, 0x85, 0x10, 0x6a, 0xa0, 0x70,
        0x19, 0xa4, 0xc1, 0x16, 0x1e, 0x37, 0x6c, 0x08, 0x27, 0x48, 0x77, 0x4c, 0x34, 0xb0, 0xbc, 0xb5,
        0x39, 0x1c, 0x0c, 0xb3, 0x4e, 0xd8, 0xaa, 0x4a, 0x5b, 0x9c, 0xca, 0x4f, 0x68, 0x2e, 0x6f, 0xf3,
        0x74, 0x8f, 0x82, 0xee, 0x78, 0xa5, 0x63, 0x6f, 0x84, 0xc8, 0x78, 0x14, 0x8c, 0xc7, 0x02, 0x08,
        0x90, 0xbe, 0xff, 0xfa, 0xa4, 0x50, 0x6c, 0xeb, 0xbe, 0xf9, 0xa3, 0xf7, 0xc6, 0x71, 0x78, 0xf2,
    };

    /// <summary>Section 5.3.3: H(0).</summary>
    public static void InitializeState(Span<uint> state)
    {
        state[0] = 0x6a09e667;
        state[1] = 0xbb67ae85;
        state[2] = 0x3c6ef372;
        state[3] = 0xa54ff53a;
        state[4] = 0x510e527f;
        state[5] = 0x9b05688c;
        state[6] = 0x1f83d9ab;
        state[7] = 0x5be0cd19;
    }

    /// <summary>
    /// Processes whole 64-byte blocks (<paramref name="blocks"/>.Length is a multiple of 64);
    /// <paramref name="schedule"/> is a 64-word scratch area for the message schedule W.
    /// </summary>
    public static void Compress(Span<uint> state, ReadOnlySpan<byte> blocks, Span<uint> schedule)
    {
        ReadOnlySpan<byte> k = RoundConstants;
        Span<uint> w = schedule.Slice(0, 64);
        while (blocks.Length >= 64)
        {
            for (int t = 0; t < 16; t++)
            {
                w[t] = BinaryPrimitives.ReadUInt32BigEndian(blocks.Slice(t * 4, 4));
            }
            for (int t = 16; t < 64; t++)
            {
                uint w15 = w[t - 15];
                uint w2 = w[t - 2];
                uint sigma0 = BitOperations.RotateRight(w15, 7) ^ BitOperations.RotateRight(w15, 18) ^ (w15 >> 3);
                uint sigma1 = BitOperations.RotateRight(w2, 17) ^ BitOperations.RotateRight(w2, 19) ^ (w2 >> 10);
                w[t] = unchecked(sigma1 + w[t - 7] + sigma0 + w[t - 16]);
            }

            uint a = state[0], b = state[1], c = state[2], d = state[3];
            uint e = state[4], f = state[5], g = state[6], h = state[7];
            for (int t = 0; t < 64; t++)
            {
                uint bigSigma1 = BitOperations.RotateRight(e, 6) ^ BitOperations.RotateRight(e, 11) ^ BitOperations.RotateRight(e, 25);
                uint choose = (e & f) ^ (~e & g);
                uint t1 = unchecked(h + bigSigma1 + choose + BinaryPrimitives.ReadUInt32BigEndian(k.Slice(t * 4, 4)) + w[t]);
                uint bigSigma0 = BitOperations.RotateRight(a, 2) ^ BitOperations.RotateRight(a, 13) ^ BitOperations.RotateRight(a, 22);
                uint majority = (a & b) ^ (a & c) ^ (b & c);
                uint t2 = unchecked(bigSigma0 + majority);
                h = g;
                g = f;
                f = e;
                e = unchecked(d + t1);
                d = c;
                c = b;
                b = a;
                a = unchecked(t1 + t2);
            }

            state[0] = unchecked(state[0] + a);
            state[1] = unchecked(state[1] + b);
            state[2] = unchecked(state[2] + c);
            state[3] = unchecked(state[3] + d);
            state[4] = unchecked(state[4] + e);
            state[5] = unchecked(state[5] + f);
            state[6] = unchecked(state[6] + g);
            state[7] = unchecked(state[7] + h);
            blocks = blocks.Slice(64);
        }
    }

    /// <summary>
    /// Section 5.1.1 padding: the tail (&lt; 64 bytes), 0x80, zeros, then the message length in bits
    /// as a 64-bit big-endian integer; then writes H(N) big-endian into <paramref name="digest"/>.
    /// </summary>
    public static void FinishTail(Span<uint> state, ReadOnlySpan<byte> tail, ulong totalBytes, Span<uint> schedule, Span<byte> digest)
    {
        Span<byte> last = stackalloc byte[128];
        last.Clear();
        tail.CopyTo(last);
        last[tail.Length] = 0x80;
        int paddedLength = tail.Length + 1 + 8 <= 64 ? 64 : 128;
        BinaryPrimitives.WriteUInt64BigEndian(last.Slice(paddedLength - 8, 8), unchecked(totalBytes * 8));
        Compress(state, last.Slice(0, paddedLength), schedule);
        for (int i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(digest.Slice(i * 4, 4), state[i]);
        }
    }
}
