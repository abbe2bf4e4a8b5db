using System;

namespace UefiRecovery.Efi.Services.Network;

/// <summary>Formats addresses into caller buffers for console lines (no strings are built).</summary>
internal static class NetText
{
    /// <summary>Dotted quad of a big-endian number: at most 15 chars.</summary>
    public static ReadOnlySpan<char> Ipv4(uint address, Span<char> buffer)
    {
        int n = 0;
        for (int shift = 24; shift >= 0; shift -= 8)
        {
            uint octet = (address >> shift) & 0xFF;
            if (octet >= 100) buffer[n++] = (char)('0' + octet / 100);
            if (octet >= 10) buffer[n++] = (char)('0' + octet / 10 % 10);
            buffer[n++] = (char)('0' + octet % 10);
            if (shift != 0) buffer[n++] = '.';
        }
        return buffer.Slice(0, n);
    }

    /// <summary>"52:54:00:12:34:56" (lower case, 17 chars) from the low 48 bits.</summary>
    public static ReadOnlySpan<char> Mac(ulong mac, Span<char> buffer)
    {
        int n = 0;
        for (int shift = 40; shift >= 0; shift -= 8)
        {
            uint b = (uint)(mac >> shift) & 0xFF;
            buffer[n++] = HexDigit(b >> 4);
            buffer[n++] = HexDigit(b & 0xF);
            if (shift != 0) buffer[n++] = ':';
        }
        return buffer.Slice(0, n);
    }

    private static char HexDigit(uint value) => (char)(value < 10 ? '0' + value : 'a' + value - 10);
}
