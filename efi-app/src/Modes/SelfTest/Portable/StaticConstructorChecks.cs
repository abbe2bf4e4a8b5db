namespace UefiRecovery.Efi.Modes.SelfTest;

/// <summary>Records the order in which the static constructors below run.</summary>
internal static class InitLog
{
    public static int Sequence;
    public static int LazyRanAt;
    public static int LazyRuns;
}

/// <summary>A static constructor with a side effect: it must run once, on first access, not at start-up.</summary>
internal static class LazyInitialized
{
    public static readonly int Value;
    public static readonly byte[] Buffer;

    static LazyInitialized()
    {
        InitLog.LazyRuns++;
        InitLog.LazyRanAt = ++InitLog.Sequence;
        Value = 42;
        Buffer = new byte[16];
    }

    public static void Touch() { }
}

/// <summary>Constant data that ILC evaluates at compile time (preinitialized statics).</summary>
internal static class Preinitialized
{
    public static readonly int[] Primes = new int[] { 2, 3, 5, 7, 11 };
    public static readonly string Label = "preinit";
}

/// <summary>A static field holding a reference assigned at run time (a GC static in NativeAOT terms).</summary>
internal static class ReferenceStatics
{
    public static object? Held;
    public static Shape? Shape;
}

internal static class StaticConstructorChecks
{
    public static void Run(ISelfTestSink sink)
    {
        // The first run in a process sees the constructor run exactly at the first access; a later run
        // of the suite in the same process (the host test does that) sees that it never runs again.
        int before = ++InitLog.Sequence;
        bool firstRun = InitLog.LazyRuns == 0;
        int value = LazyInitialized.Value;
        LazyInitialized.Touch();
        int again = LazyInitialized.Value;
        bool ranAtFirstAccess = !firstRun || InitLog.LazyRanAt == before + 1;
        sink.Check("static.cctor-lazy-once", InitLog.LazyRuns == 1 && ranAtFirstAccess && value == 42 && again == 42);
        sink.Check("static.cctor-reference-field", LazyInitialized.Buffer != null && LazyInitialized.Buffer.Length == 16);

        sink.Check("static.preinitialized", Preinitialized.Primes.Length == 5 && Preinitialized.Primes[4] == 11 && Preinitialized.Label.Length == 7);

        ReferenceStatics.Held = new Unrelated();
        ReferenceStatics.Shape = new Square(5);
        sink.Check("static.reference-fields", ReferenceStatics.Held is Unrelated && ReferenceStatics.Shape.Area() == 25);
    }
}
