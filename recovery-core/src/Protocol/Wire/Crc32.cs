using System;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// CRC-32/ISO-HDLC (poly 0x04C11DB7 reflected = 0xEDB88320, init and xorout 0xFFFFFFFF), the CRC that
/// UEFI's CalculateCrc32 computes (UEFI 2.10 §4.2 table header CRC; EDK2 BaseLib CheckSum.c).
/// Check value over ASCII "123456789" is 0xCBF43926.
/// </summary>
public static class Crc32
{
    private const uint ReflectedPolynomial = 0xEDB88320u;

    // Built once at startup (a static constructor is part of the portable subset); a 1 KiB table
    // makes the per-message CRC cost one lookup per byte instead of eight shifts.
    private static readonly uint[] Table = BuildTable();

    private static uint[] BuildTable()
    {
        uint[] table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? ReflectedPolynomial ^ (c >> 1) : c >> 1;
            }
            table[n] = c;
        }
        return table;
    }

    /// <summary>CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        return Append(0, data);
    }

    /// <summary>
    /// Continues a finished CRC over more bytes, so that
    /// Append(Compute(a), b) == Compute(a || b) (the zlib crc32(crc, buf, len) convention).
    /// </summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        uint[] table = Table;
        uint c = crc ^ 0xFFFFFFFFu;
        for (int i = 0; i < data.Length; i++)
        {
            c = table[(c ^ data[i]) & 0xFF] ^ (c >> 8);
        }
        return c ^ 0xFFFFFFFFu;
    }
}
