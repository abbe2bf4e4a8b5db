namespace UefiRecovery.Efi.Modes.SelfTest;

/// <summary>Two ints, no padding, no Equals override.</summary>
internal readonly struct Pair
{
    public Pair(int left, int right)
    {
        Left = left;
        Right = right;
    }

    public int Left { get; }
    public int Right { get; }
}

internal static class BoxingChecks
{
    public static void Run(ISelfTestSink sink)
    {
        object boxed = 42;
        sink.Check("box.int-roundtrip", boxed is int && (int)boxed == 42);
        sink.Check("box.int-is-not-long", !(boxed is long) && !(boxed is uint));

        object boxedLong = -5L;
        sink.Check("box.long-roundtrip", (long)boxedLong == -5L);

        object color = Color.Green;
        sink.Check("box.enum", color is Color && (Color)color == Color.Green && !(color is int));

        sink.Check("box.generic-t", BoxAndUnbox(7) == 7 && BoxAndUnbox((byte)9) == 9 && BoxAndUnbox(Color.Red) == Color.Red);

        StructCounter counter = default;
        object boxedCounter = counter;
        ((ICounter)boxedCounter).Next();
        sink.Check("box.struct-copy", counter.Next() == 1 && ((ICounter)boxedCounter).Next() == 2);

        sink.Check("box.equals-override", boxed.Equals(42) && !boxed.Equals(43) && !boxed.Equals(42L));

        // A struct without its own Equals: ValueType's compares the values.
        object pair = new Pair(1, 2);
        sink.Check("box.struct-default-equality",
            pair.Equals(new Pair(1, 2)) && !pair.Equals(new Pair(1, 3)) && !pair.Equals(12L) &&
            pair.GetHashCode() == new Pair(1, 2).GetHashCode());

        object first = new Unrelated();
        sink.Check("box.object-identity", first.Equals(first) && !first.Equals(new Unrelated()) && first.GetHashCode() == first.GetHashCode());
    }

    // Boxing a type parameter inside generic code uses the runtime's box helpers.
    private static T BoxAndUnbox<T>(T value) where T : struct
    {
        object o = value;
        return (T)o;
    }
}
