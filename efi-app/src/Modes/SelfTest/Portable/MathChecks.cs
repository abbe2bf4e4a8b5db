namespace UefiRecovery.Efi.Modes.SelfTest;

internal static class MathChecks
{
    public static void Run(ISelfTestSink sink)
    {
        sink.Check("math.min-max",
            Math.Min(3, -4) == -4 && Math.Max(3, -4) == 3 &&
            Math.Min(7u, 9u) == 7u && Math.Max(7UL, 9UL) == 9UL &&
            Math.Min((byte)200, (byte)100) == 100 && Math.Max(-1L, long.MinValue) == -1L);
        sink.Check("math.abs", Math.Abs(-5) == 5 && Math.Abs(5L) == 5L && Math.Abs((short)-3) == 3 && Math.Abs(int.MinValue + 1) == int.MaxValue);
        sink.Check("math.clamp", Math.Clamp(15, 0, 10) == 10 && Math.Clamp(-3, 0, 10) == 0 && Math.Clamp(4u, 1u, 8u) == 4u && Math.Clamp(9L, 1L, 8L) == 8L);
    }
}
