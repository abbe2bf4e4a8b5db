namespace UefiRecovery.Efi.Modes.SelfTest;

/// <summary>
/// MemoryExtensions.TryWrite with an interpolated string: the compiler's handler pattern over the shim's
/// TryWriteInterpolatedStringHandler. Each expected text is what .NET 10 writes for the same format.
/// </summary>
internal static class InterpolationChecks
{
    public static void Run(ISelfTestSink sink)
    {
        Span<char> buffer = stackalloc char[64];
        int written;

        ReadOnlySpan<char> word = "span";
        string text = "string";
        sink.Check("interpolation.literals-and-text",
            buffer.TryWrite($"a={text} b={word} c", out written) && buffer.Slice(0, written).SequenceEqual("a=string b=span c"));

        string? none = null;
        sink.Check("interpolation.null-string-is-empty", buffer.TryWrite($"[{none}]", out written) && buffer.Slice(0, written).SequenceEqual("[]"));

        int negative = -42;
        uint big = 4000000000;
        ulong max = ulong.MaxValue;
        ushort port = 8080;
        byte octet = 255;
        sink.Check("interpolation.integers",
            buffer.TryWrite($"{negative} {big} {max} {port} {octet}", out written)
            && buffer.Slice(0, written).SequenceEqual("-42 4000000000 18446744073709551615 8080 255"));

        sink.Check("interpolation.formats",
            buffer.TryWrite($"0x{0xBEEFu:X8} {octet:x} {7:D3}", out written) && buffer.Slice(0, written).SequenceEqual("0x0000BEEF ff 007"));

        sink.Check("interpolation.own-span-formattable",
            buffer.TryWrite($"v={new Version3(1, 2, 3)}!", out written) && buffer.Slice(0, written).SequenceEqual("v=1.2.3!"));

        // Does not fit: false and 0, whether a literal, a string or a value overflows (as .NET).
        bool exactFits = buffer.Slice(0, 6).TryWrite($"ab{1234}", out written) && written == 6;
        bool literalTooLong = !buffer.Slice(0, 3).TryWrite($"abcd", out written) && written == 0;
        bool valueTooLong = !buffer.Slice(0, 5).TryWrite($"ab{1234}", out written) && written == 0;
        bool textTooLong = !buffer.Slice(0, 5).TryWrite($"ab{text}", out written) && written == 0;
        sink.Check("interpolation.destination-too-small", exactFits && literalTooLong && valueTooLong && textTooLong);
    }

    /// <summary>A struct of the app's kind (Ipv4Address, EfiGuid): formats itself, and must not be boxed to do so.</summary>
    internal readonly struct Version3 : ISpanFormattable
    {
        private readonly int _major;
        private readonly int _minor;
        private readonly int _patch;

        public Version3(int major, int minor, int patch)
        {
            _major = major;
            _minor = minor;
            _patch = patch;
        }

        public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
            => destination.TryWrite($"{_major}.{_minor}.{_patch}", out charsWritten);

        // .NET's ISpanFormattable extends IFormattable; the shim's cannot (it builds no strings), see ISpanFormattable.cs.
#if !UEFI
        public string ToString(string? format, IFormatProvider? formatProvider) => $"{_major}.{_minor}.{_patch}";
#endif
    }
}
