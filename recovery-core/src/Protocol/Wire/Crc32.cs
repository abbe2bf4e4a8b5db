using System;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// CRC-32/ISO-HDLC (poly 0x04C11DB7 reflected = 0xEDB88320, init and xorout 0xFFFFFFFF), the CRC that
/// UEFI's CalculateCrc32 computes (UEFI 2.10 §4.2 table header CRC; EDK2 BaseLib CheckSum.c).
/// Check value over ASCII "123456789" is 0xCBF43926.
/// </summary>
/// <remarks>
/// Slicing-by-8 (Intel's "A systematic approach to building high performance software-based CRC
/// generators", Kounavis and Berry, 2005): eight 256-entry tables let one step fold eight bytes, so a
/// 1,472-byte DATA costs 184 steps instead of 1,472. Every DATA is checked by every receiver, and the
/// host benchmark runs 20 receivers on one machine, so this is the receive path's hottest loop.
/// Portable: the tables are one array built once at startup; no allocation per call.
/// </remarks>
public static partial class Crc32
{
    private const uint ReflectedPolynomial = 0xEDB88320u;

    // Table k (entries k*256 .. k*256+255) is the CRC of a byte followed by k zero bytes.
    private static readonly uint[] Tables = BuildTables();

    private static uint[] BuildTables()
    {
        uint[] tables = new uint[8 * 256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? ReflectedPolynomial ^ (c >> 1) : c >> 1;
            }
            tables[n] = c;
        }
        for (int t = 1; t < 8; t++)
        {
            for (int n = 0; n < 256; n++)
            {
                uint previous = tables[(t - 1) * 256 + n];
                tables[t * 256 + n] = tables[previous & 0xFF] ^ (previous >> 8);
            }
        }
        return tables;
    }

    /// <summary>
    /// CRC-32 of <paramref name="message"/> with the four bytes at <paramref name="zeroedOffset"/> taken as
    /// zero (a message's own CRC field, §3.4), through <see cref="Append"/>.
    /// </summary>
    public static uint ComputeWithZeroedWord(ReadOnlySpan<byte> message, int zeroedOffset)
    {
        if (zeroedOffset < 0 || zeroedOffset > message.Length - 4) return 0;
        uint crc = Append(0, message.Slice(0, zeroedOffset));
        crc = Append(crc, FourZeros);
        return Append(crc, message.Slice(zeroedOffset + 4));
    }

    /// <summary>The portable (firmware) computation of <see cref="ComputeWithZeroedWord"/>, public so a host test can compare the two.</summary>
    public static uint ComputeWithZeroedWordPortable(ReadOnlySpan<byte> message, int zeroedOffset)
    {
        if (zeroedOffset < 0 || zeroedOffset > message.Length - 4) return 0;
        uint crc = AppendSlicingBy8(0, message.Slice(0, zeroedOffset));
        crc = AppendSlicingBy8(crc, FourZeros);
        return AppendSlicingBy8(crc, message.Slice(zeroedOffset + 4));
    }

    // Implemented only in the host build (Crc32.Host.cs); in the firmware the call is compiled away.
    static partial void TryAppendFast(uint crc, ReadOnlySpan<byte> data, ref uint result, ref bool computed);

    private static ReadOnlySpan<byte> FourZeros => new byte[] { 0, 0, 0, 0 };

    /// <summary>CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        return Append(0, data);
    }

    /// <summary>
    /// Continues a finished CRC over more bytes, so that
    /// Append(Compute(a), b) == Compute(a || b) (the zlib crc32(crc, buf, len) convention).
    /// </summary>
    /// <remarks>The host build folds long inputs with carry-less multiplication (Crc32.Host.cs); the firmware
    /// runs <see cref="AppendSlicingBy8"/>. Both give the same value.</remarks>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        uint result = 0;
        bool computed = false;
        TryAppendFast(crc, data, ref result, ref computed);
        return computed ? result : AppendSlicingBy8(crc, data);
    }

    /// <summary>The portable slicing-by-8 loop (what the firmware runs, and the host for short inputs).</summary>
    public static uint AppendSlicingBy8(uint crc, ReadOnlySpan<byte> data)
    {
        uint[] t = Tables;
        uint c = crc ^ 0xFFFFFFFFu;
        int i = 0;
        int whole = data.Length & ~7;
        while (i < whole)
        {
            // Bytes are assembled little-endian by hand: the reflected CRC consumes the lowest byte first.
            uint low = c ^ (uint)(data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24));
            uint high = (uint)(data[i + 4] | (data[i + 5] << 8) | (data[i + 6] << 16) | (data[i + 7] << 24));
            c = t[7 * 256 + (int)(low & 0xFF)] ^ t[6 * 256 + (int)((low >> 8) & 0xFF)]
                ^ t[5 * 256 + (int)((low >> 16) & 0xFF)] ^ t[4 * 256 + (int)(low >> 24)]
                ^ t[3 * 256 + (int)(high & 0xFF)] ^ t[2 * 256 + (int)((high >> 8) & 0xFF)]
                ^ t[256 + (int)((high >> 16) & 0xFF)] ^ t[(int)(high >> 24)];
            i += 8;
        }
        for (; i < data.Length; i++)
        {
            c = t[(int)((c ^ data[i]) & 0xFF)] ^ (c >> 8);
        }
        return c ^ 0xFFFFFFFFu;
    }
}
