using System.Numerics;

namespace UefiRecovery.Efi.Modes.SelfTest;

internal static class BitOperationsChecks
{
    public static void Run(ISelfTestSink sink)
    {
        sink.Check("bits.rotate",
            BitOperations.RotateLeft(0x80000001u, 1) == 0x00000003u &&
            BitOperations.RotateRight(0x00000003u, 1) == 0x80000001u &&
            BitOperations.RotateLeft(0x8000000000000001UL, 4) == 0x18UL &&
            BitOperations.RotateRight(1UL, 1) == 0x8000000000000000UL);
        sink.Check("bits.leading-zeros",
            BitOperations.LeadingZeroCount(0u) == 32 && BitOperations.LeadingZeroCount(1u) == 31 &&
            BitOperations.LeadingZeroCount(0x8000_0000u) == 0 && BitOperations.LeadingZeroCount(1UL) == 63 &&
            BitOperations.LeadingZeroCount(0UL) == 64);
        sink.Check("bits.trailing-zeros",
            BitOperations.TrailingZeroCount(0u) == 32 && BitOperations.TrailingZeroCount(8u) == 3 &&
            BitOperations.TrailingZeroCount(0UL) == 64 && BitOperations.TrailingZeroCount(1UL << 40) == 40);
        sink.Check("bits.popcount",
            BitOperations.PopCount(0u) == 0 && BitOperations.PopCount(0xFFFF_FFFFu) == 32 &&
            BitOperations.PopCount(0xF0F0UL << 32) == 8);
    }
}
