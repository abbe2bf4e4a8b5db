namespace UefiRecovery.Efi.Modes.SelfTest;

internal static class SpanChecks
{
    private static ReadOnlySpan<byte> Table => new byte[] { 0x10, 0x20, 0x30, 0x40, 0x50 };

    public static void Run(ISelfTestSink sink)
    {
        byte[] data = new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 };
        Span<byte> span = data;
        sink.Check("span.from-array", span.Length == 8 && span[7] == 8 && !span.IsEmpty);

        Span<byte> middle = span.Slice(2, 3);
        middle[0] = 30;
        sink.Check("span.slice-writes-through", data[2] == 30 && middle.Length == 3 && span.Slice(6).Length == 2);

        sink.Check("span.as-span-overloads",
            data.AsSpan().Length == 8 && data.AsSpan(5).Length == 3 && data.AsSpan(1, 2)[1] == 30 &&
            data.AsSpan(^2)[0] == 7 && data.AsSpan(1..3).Length == 2);

        Span<byte> target = stackalloc byte[8];
        span.CopyTo(target);
        sink.Check("span.copyto-stackalloc", target.SequenceEqual(data));

        // Overlapping copy inside one buffer must behave like memmove.
        byte[] overlap = new byte[] { 1, 2, 3, 4, 5 };
        overlap.AsSpan(0, 4).CopyTo(overlap.AsSpan(1));
        bool forwardOk = overlap[0] == 1 && overlap[1] == 1 && overlap[2] == 2 && overlap[4] == 4;
        overlap = new byte[] { 1, 2, 3, 4, 5 };
        overlap.AsSpan(1).CopyTo(overlap);
        bool backwardOk = overlap[0] == 2 && overlap[3] == 5 && overlap[4] == 5;
        sink.Check("span.copyto-overlap", forwardOk && backwardOk);

        sink.Check("span.trycopyto-short", !span.TryCopyTo(target.Slice(0, 7)) && span.TryCopyTo(target));

        Span<int> ints = stackalloc int[5];
        ints.Fill(-7);
        bool filled = ints[0] == -7 && ints[4] == -7;
        ints.Slice(1, 3).Clear();
        sink.Check("span.fill-clear", filled && ints[0] == -7 && ints[1] == 0 && ints[3] == 0 && ints[4] == -7);

        ReadOnlySpan<byte> table = Table;
        sink.Check("span.static-data", table.Length == 5 && table[4] == 0x50);
        sink.Check("span.indexof-value", table.IndexOf((byte)0x30) == 2 && table.IndexOf((byte)0x31) == -1);
        sink.Check("span.indexof-span", table.IndexOf(Table.Slice(3, 2)) == 3 && table.IndexOf(new byte[] { 0x20, 0x40 }) == -1);
        sink.Check("span.sequenceequal", table.SequenceEqual(Table) && !table.SequenceEqual(Table.Slice(1)));
        sink.Check("span.indexof-on-span", span.IndexOf((byte)30) == 2 && span.IndexOf(new byte[] { 4, 5 }) == 3 && span.IndexOf((byte)99) == -1);

        int sum = 0;
        foreach (byte b in table)
            sum += b;
        sink.Check("span.foreach", sum == 0x10 + 0x20 + 0x30 + 0x40 + 0x50);

        ReadOnlySpan<ushort> words = new ushort[] { 0x1234, 0xBEEF };
        sink.Check("span.static-ushort-data", words[1] == 0xBEEF);

        sink.Check("span.empty", Span<byte>.Empty.IsEmpty && ReadOnlySpan<char>.Empty.Length == 0);

        sink.Check("span.stackalloc-large-frame", LargeFrame(Opaque(16 * 1024)) == 0x0301);
    }

    // A frame larger than a page makes the JIT probe the stack page by page first.
    private static int LargeFrame(int size)
    {
        Span<byte> big = stackalloc byte[size];
        big[0] = 1;
        big[size - 1] = 3;
        return big[0] | big[size - 1] << 8;
    }

    private static int s_opaque;

    private static int Opaque(int value)
    {
        s_opaque = value;
        return s_opaque;
    }
}
