namespace System.Numerics;

/// <summary>Bit twiddling with .NET's signatures. Plain code: the JIT may still pick the instructions.</summary>
public static class BitOperations
{
    public static uint RotateLeft(uint value, int offset) => (value << offset) | (value >> (32 - offset));

    public static ulong RotateLeft(ulong value, int offset) => (value << offset) | (value >> (64 - offset));

    public static uint RotateRight(uint value, int offset) => (value >> offset) | (value << (32 - offset));

    public static ulong RotateRight(ulong value, int offset) => (value >> offset) | (value << (64 - offset));

    public static int LeadingZeroCount(uint value)
    {
        if (value == 0)
            return 32;
        int count = 0;
        while ((value & 0x8000_0000u) == 0)
        {
            value <<= 1;
            count++;
        }
        return count;
    }

    public static int LeadingZeroCount(ulong value)
    {
        uint high = (uint)(value >> 32);
        return high != 0 ? LeadingZeroCount(high) : 32 + LeadingZeroCount((uint)value);
    }

    public static int TrailingZeroCount(int value) => TrailingZeroCount((uint)value);

    public static int TrailingZeroCount(uint value)
    {
        if (value == 0)
            return 32;
        int count = 0;
        while ((value & 1) == 0)
        {
            value >>= 1;
            count++;
        }
        return count;
    }

    public static int TrailingZeroCount(long value) => TrailingZeroCount((ulong)value);

    public static int TrailingZeroCount(ulong value)
    {
        uint low = (uint)value;
        return low != 0 ? TrailingZeroCount(low) : 32 + TrailingZeroCount((uint)(value >> 32));
    }

    public static int PopCount(uint value)
    {
        // SWAR population count (Hacker's Delight 5-2).
        value -= (value >> 1) & 0x5555_5555u;
        value = (value & 0x3333_3333u) + ((value >> 2) & 0x3333_3333u);
        value = (value + (value >> 4)) & 0x0F0F_0F0Fu;
        return (int)((value * 0x0101_0101u) >> 24);
    }

    public static int PopCount(ulong value) => PopCount((uint)value) + PopCount((uint)(value >> 32));
}
