namespace UefiRecovery.Efi.Modes.SelfTest;

internal static class FormattingChecks
{
    public static void Run(ISelfTestSink sink)
    {
        Span<char> buffer = stackalloc char[32];

        sink.Check("format.int-decimal", Formats(12345, buffer, "", "12345") && Formats(-42, buffer, "", "-42") && Formats(0, buffer, "", "0"));
        sink.Check("format.int-min-max", Formats(int.MinValue, buffer, "", "-2147483648") && Formats(int.MaxValue, buffer, "D", "2147483647"));
        sink.Check("format.decimal-precision", Formats(7, buffer, "D3", "007") && Formats(-7, buffer, "D3", "-007"));
        sink.Check("format.hex", Formats(0xBEEF, buffer, "X", "BEEF") && Formats(0xBEEF, buffer, "x8", "0000beef") && Formats(-1, buffer, "X", "FFFFFFFF"));

        bool ulongOk = ulong.MaxValue.TryFormat(buffer, out int n) && buffer.Slice(0, n).SequenceEqual("18446744073709551615");
        bool longHex = long.MinValue.TryFormat(buffer, out n, "X") && buffer.Slice(0, n).SequenceEqual("8000000000000000");
        sink.Check("format.64-bit", ulongOk && longHex);

        bool byteOk = ((byte)255).TryFormat(buffer, out n, "X2") && buffer.Slice(0, n).SequenceEqual("FF");
        bool sbyteHex = ((sbyte)-1).TryFormat(buffer, out n, "X") && buffer.Slice(0, n).SequenceEqual("FF");
        bool ushortOk = ((ushort)65535).TryFormat(buffer, out n) && buffer.Slice(0, n).SequenceEqual("65535");
        bool shortHex = ((short)-2).TryFormat(buffer, out n, "x") && buffer.Slice(0, n).SequenceEqual("fffe");
        bool uintOk = 4000000000u.TryFormat(buffer, out n) && buffer.Slice(0, n).SequenceEqual("4000000000");
        sink.Check("format.small-types", byteOk && sbyteHex && ushortOk && shortHex && uintOk);

        // Too small: false and nothing claimed written (as .NET).
        bool tooSmall = !12345.TryFormat(buffer.Slice(0, 4), out n) && n == 0;
        bool exact = 12345.TryFormat(buffer.Slice(0, 5), out n) && n == 5;
        sink.Check("format.destination-too-small", tooSmall && exact);
    }

    private static bool Formats(int value, Span<char> buffer, string format, string expected)
        => value.TryFormat(buffer, out int written, format) && buffer.Slice(0, written).SequenceEqual(expected);
}
