namespace System;

/// <summary>
/// Allocation-free integer formatting behind the primitives' TryFormat. Follows .NET's standard numeric
/// format strings for the two specifiers the shim supports: "D" (decimal, precision = minimum digits,
/// '-' for negatives) and "X" (hexadecimal of the two's-complement bits, precision = minimum digits).
/// An empty format, or "G" alone, means "D" without precision (.NET's default for integers).
/// </summary>
internal static class Number
{
    private const int MaxPrecision = 99;

    internal static bool TryFormatSigned(long value, ulong twosComplementBits, Span<char> destination, out int charsWritten, ReadOnlySpan<char> format)
    {
        ParseFormat(format, out char kind, out int precision);
        if (kind == 'X' || kind == 'x')
            return TryFormatHex(twosComplementBits, kind == 'X', precision, destination, out charsWritten);

        bool negative = value < 0;
        // Negate through ulong so long.MinValue does not overflow.
        ulong magnitude = negative ? unchecked(0UL - (ulong)value) : (ulong)value;
        return TryFormatDecimal(magnitude, negative, precision, destination, out charsWritten);
    }

    internal static bool TryFormatUnsigned(ulong value, Span<char> destination, out int charsWritten, ReadOnlySpan<char> format)
    {
        ParseFormat(format, out char kind, out int precision);
        if (kind == 'X' || kind == 'x')
            return TryFormatHex(value, kind == 'X', precision, destination, out charsWritten);
        return TryFormatDecimal(value, false, precision, destination, out charsWritten);
    }

    // .NET throws FormatException for an unknown specifier; the shim has no exceptions, so that is a fail-fast.
    private static void ParseFormat(ReadOnlySpan<char> format, out char kind, out int precision)
    {
        kind = 'D';
        precision = 0;
        if (format.Length == 0)
            return;

        char c = format[0];
        if (c == 'G' || c == 'g')
        {
            // "G" alone is the default integer format. With a precision it counts significant digits
            // and may switch to exponent notation, which the shim does not implement.
            if (format.Length != 1)
                Environment.FailFast("Format: \"G\" with a precision is not supported (use D or X)");
            return;
        }
        if (c != 'D' && c != 'd' && c != 'X' && c != 'x')
            Environment.FailFast("Format: unsupported numeric format specifier (the shim knows D and X)");
        kind = c;

        for (int i = 1; i < format.Length; i++)
        {
            int digit = format[i] - '0';
            if (digit < 0 || digit > 9)
                Environment.FailFast("Format: invalid precision in numeric format string");
            precision = precision * 10 + digit;
            if (precision > MaxPrecision)
                Environment.FailFast("Format: precision above 99");
        }
    }

    private static bool TryFormatDecimal(ulong magnitude, bool negative, int precision, Span<char> destination, out int charsWritten)
    {
        int digits = CountDecimalDigits(magnitude);
        if (digits < precision)
            digits = precision;
        int length = digits + (negative ? 1 : 0);
        if (length > destination.Length)
        {
            charsWritten = 0;
            return false;
        }

        int pos = length;
        for (int i = 0; i < digits; i++)
        {
            destination[--pos] = (char)('0' + (int)(magnitude % 10));
            magnitude /= 10;
        }
        if (negative)
            destination[0] = '-';
        charsWritten = length;
        return true;
    }

    private static bool TryFormatHex(ulong value, bool upper, int precision, Span<char> destination, out int charsWritten)
    {
        int digits = CountHexDigits(value);
        if (digits < precision)
            digits = precision;
        if (digits > destination.Length)
        {
            charsWritten = 0;
            return false;
        }

        char letterBase = upper ? 'A' : 'a';
        int pos = digits;
        for (int i = 0; i < digits; i++)
        {
            int nibble = (int)(value & 0xF);
            destination[--pos] = (char)(nibble < 10 ? '0' + nibble : letterBase + nibble - 10);
            value >>= 4;
        }
        charsWritten = digits;
        return true;
    }

    private static int CountDecimalDigits(ulong value)
    {
        int digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }
        return digits;
    }

    private static int CountHexDigits(ulong value)
    {
        int digits = 1;
        while (value > 0xF)
        {
            value >>= 4;
            digits++;
        }
        return digits;
    }
}
