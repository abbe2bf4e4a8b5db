namespace UefiRecovery.Efi.Modes.SelfTest;

internal static class ArithmeticChecks
{
    public static void Run(ISelfTestSink sink)
    {
        int big = int.MaxValue;
        sink.Check("arith.unchecked-wraps", unchecked(big + 1) == int.MinValue);
        sink.Check("arith.checked-in-range", checked(big - 1 + 1) == int.MaxValue);
        long a = 1000000007;
        sink.Check("arith.division", a / 7 == 142857143 && a % 7 == 6 && -7 / 2 == -3 && -7 % 2 == -1);
        ulong u = 0xFFFF_FFFF_FFFF_FFFF;
        sink.Check("arith.unsigned-64", u / 3 == 0x5555_5555_5555_5555 && (u >> 63) == 1 && (u << 63) == 0x8000_0000_0000_0000);
        uint divisor = Divisor();
        sink.Check("arith.division-variable", 100u / divisor == 14u && 100u % divisor == 2u);
    }

    // Not a constant, so the JIT emits a real division.
    private static uint Divisor() => 7;
}
