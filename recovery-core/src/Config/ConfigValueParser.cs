using System;

namespace UefiRecovery.Core.Config;

/// <summary>
/// Strict parsers for setting values. Each returns false with a fixed reason and zeroed outputs on
/// the first problem; nothing is guessed (no octal, no hex, no signs, no spaces, no missing parts).
/// IPv4 addresses are big-endian numbers: 192.0.2.1 = 0xC0000201.
/// </summary>
public static class ConfigValueParser
{
    /// <summary>Longest decimal number accepted anywhere: 10 digits cover every uint.</summary>
    private const int MaxDigits = 10;

    /// <summary>Dotted-quad IPv4 (RFC 1123 §2.1 form: four decimal parts 0..255).</summary>
    public static bool TryParseIpv4(ReadOnlySpan<char> text, out uint address, out string reason)
    {
        address = 0;
        if (text.IsEmpty)
        {
            reason = "empty address";
            return false;
        }

        uint value = 0;
        int parts = 0;
        int start = 0;
        for (int i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] != '.') continue;
            ReadOnlySpan<char> part = text.Slice(start, i - start);
            if (parts == 4)
            {
                reason = "more than four parts";
                return false;
            }
            if (part.IsEmpty)
            {
                reason = "empty part";
                return false;
            }
            if (part.Length > 1 && part[0] == '0')
            {
                // "010" is 8 to some parsers (inet_aton) and 10 to others: refuse to guess.
                reason = "leading zero";
                return false;
            }
            if (part.Length > 3 || !TryParseDigits(part, out uint octet))
            {
                reason = "part is not a decimal number 0..255";
                return false;
            }
            if (octet > 255)
            {
                reason = "part above 255";
                return false;
            }
            value = (value << 8) | octet;
            parts++;
            start = i + 1;
        }

        if (parts != 4)
        {
            reason = "fewer than four parts";
            return false;
        }

        address = value;
        reason = "";
        return true;
    }

    /// <summary>
    /// An address a host may use as its own or as a peer's: not 0.0.0.0, not 255.255.255.255,
    /// not multicast (224/4), not loopback (127/8), not class E (240/4) (RFC 1122 §3.2.1.3).
    /// </summary>
    public static bool TryParseUnicastIpv4(ReadOnlySpan<char> text, out uint address, out string reason)
    {
        if (!TryParseIpv4(text, out address, out reason)) return false;
        string problem = UnicastProblem(address);
        if (problem.Length != 0)
        {
            address = 0;
            reason = problem;
            return false;
        }
        return true;
    }

    /// <summary>"A.B.C.D/len": a unicast host address and a prefix length 1..32 that leaves it a host address.</summary>
    public static bool TryParseHostPrefix(ReadOnlySpan<char> text, out uint address, out int prefixLength, out string reason)
    {
        address = 0;
        prefixLength = 0;
        int slash = IndexOf(text, '/');
        if (slash < 0)
        {
            reason = "prefix length missing (A.B.C.D/len)";
            return false;
        }
        if (!TryParseUnicastIpv4(text.Slice(0, slash), out uint host, out reason)) return false;

        ReadOnlySpan<char> lengthText = text.Slice(slash + 1);
        if (lengthText.IsEmpty || lengthText.Length > 2 || (lengthText.Length == 2 && lengthText[0] == '0') ||
            !TryParseDigits(lengthText, out uint length))
        {
            reason = "prefix length is not a decimal number 1..32";
            return false;
        }
        if (length < 1 || length > 32)
        {
            reason = "prefix length outside 1..32";
            return false;
        }

        // RFC 3021 allows /31 point-to-point links; /32 has no subnet. Otherwise the all-zeros and
        // all-ones host parts are the network and broadcast addresses (RFC 1122 §3.2.1.3).
        if (length <= 30)
        {
            uint mask = MaskFromPrefix((int)length);
            uint hostPart = host & ~mask;
            if (hostPart == 0)
            {
                reason = "address is the subnet's network address";
                return false;
            }
            if (hostPart == ~mask)
            {
                reason = "address is the subnet's broadcast address";
                return false;
            }
        }

        address = host;
        prefixLength = (int)length;
        reason = "";
        return true;
    }

    /// <summary>A UDP port 1..65535 (0 is "any port", never a destination).</summary>
    public static bool TryParsePort(ReadOnlySpan<char> text, out ushort port, out string reason)
    {
        port = 0;
        if (text.IsEmpty || text.Length > 5 || (text.Length > 1 && text[0] == '0') || !TryParseDigits(text, out uint value))
        {
            reason = "port is not a decimal number 1..65535";
            return false;
        }
        if (value == 0 || value > 65535)
        {
            reason = "port outside 1..65535";
            return false;
        }
        port = (ushort)value;
        reason = "";
        return true;
    }

    /// <summary>"ADDR" or "ADDR:PORT"; without a port <paramref name="defaultPort"/> is used.</summary>
    public static bool TryParseEndpoint(ReadOnlySpan<char> text, ushort defaultPort, out uint address, out ushort port, out string reason)
    {
        address = 0;
        port = 0;
        int colon = IndexOf(text, ':');
        ReadOnlySpan<char> addressText = colon < 0 ? text : text.Slice(0, colon);
        if (!TryParseUnicastIpv4(addressText, out uint parsed, out reason)) return false;
        ushort parsedPort = defaultPort;
        if (colon >= 0 && !TryParsePort(text.Slice(colon + 1), out parsedPort, out reason)) return false;
        address = parsed;
        port = parsedPort;
        return true;
    }

    /// <summary>A whole number of seconds 0..<paramref name="maximum"/>.</summary>
    public static bool TryParseSeconds(ReadOnlySpan<char> text, uint maximum, out uint seconds, out string reason)
    {
        seconds = 0;
        if (text.IsEmpty || text.Length > MaxDigits || !TryParseDigits(text, out uint value))
        {
            reason = "not a whole number of seconds";
            return false;
        }
        if (value > maximum)
        {
            reason = "seconds above the maximum";
            return false;
        }
        seconds = value;
        reason = "";
        return true;
    }

    /// <summary>Decimal (at most 20 digits) or 0x hex (at most 16 digits), checked against 64-bit overflow.</summary>
    public static bool TryParseNumber64(ReadOnlySpan<char> text, out ulong value)
    {
        value = 0;
        bool hex = text.Length > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
        ReadOnlySpan<char> digits = hex ? text.Slice(2) : text;
        if (digits.IsEmpty || digits.Length > (hex ? 16 : 20))
            return false;
        ulong accumulated = 0;
        for (int i = 0; i < digits.Length; i++)
        {
            char c = digits[i];
            uint digit;
            if (c >= '0' && c <= '9') digit = (uint)(c - '0');
            else if (hex && c >= 'a' && c <= 'f') digit = (uint)(c - 'a' + 10);
            else if (hex && c >= 'A' && c <= 'F') digit = (uint)(c - 'A' + 10);
            else return false;
            ulong radix = hex ? 16UL : 10UL;
            if (accumulated > (ulong.MaxValue - digit) / radix)
                return false;
            accumulated = accumulated * radix + digit;
        }
        value = accumulated;
        return true;
    }

    /// <summary>
    /// An ESP path the app may open: printable ASCII without spaces, no '/' and no ".." (so a setting cannot climb out
    /// of the volume's tree). The leading '\' and the length are each caller's rule.
    /// </summary>
    public static bool IsPlainEspPath(ReadOnlySpan<char> path)
    {
        for (int i = 0; i < path.Length; i++)
        {
            char c = path[i];
            bool dotDot = c == '.' && i + 1 < path.Length && path[i + 1] == '.';
            if (c <= ' ' || c > '~' || c == '/' || dotDot)
                return false;
        }
        return true;
    }

    /// <summary>"0" or "1".</summary>
    public static bool TryParseFlag(ReadOnlySpan<char> text, out bool flag, out string reason)
    {
        flag = false;
        if (text.Length == 1 && (text[0] == '0' || text[0] == '1'))
        {
            flag = text[0] == '1';
            reason = "";
            return true;
        }
        reason = "flag is not 0 or 1";
        return false;
    }

    /// <summary>The network mask of a prefix length 0..32 (24 → 255.255.255.0).</summary>
    public static uint MaskFromPrefix(int prefixLength)
        => prefixLength <= 0 ? 0u : prefixLength >= 32 ? 0xFFFF_FFFFu : ~(0xFFFF_FFFFu >> prefixLength);

    /// <summary>Empty when <paramref name="address"/> may be a host's unicast address, else why not.</summary>
    public static string UnicastProblem(uint address)
    {
        if (address == 0) return "unspecified address 0.0.0.0";
        if (address == 0xFFFF_FFFFu) return "broadcast address";
        if ((address & 0xF000_0000u) == 0xE000_0000u) return "multicast address";
        if ((address & 0xFF00_0000u) == 0x7F00_0000u) return "loopback address";
        if ((address & 0xF000_0000u) == 0xF000_0000u) return "reserved (class E) address";
        return "";
    }

    /// <summary>Index of the first <paramref name="c"/>, or -1 (MemoryExtensions.IndexOf is in the portable subset for bytes only).</summary>
    internal static int IndexOf(ReadOnlySpan<char> text, char c)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == c) return i;
        }
        return -1;
    }

    /// <summary>ASCII digits only, at most 10 of them, value fits a uint (checked without overflow).</summary>
    private static bool TryParseDigits(ReadOnlySpan<char> text, out uint value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > MaxDigits) return false;
        ulong accumulated = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c < '0' || c > '9') return false;
            accumulated = accumulated * 10 + (ulong)(c - '0');
        }
        if (accumulated > uint.MaxValue) return false;
        value = (uint)accumulated;
        return true;
    }
}
