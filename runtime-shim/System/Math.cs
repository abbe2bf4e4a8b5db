using Internal.Runtime;

namespace System;

/// <summary>Integer Min, Max, Abs and Clamp with .NET's signatures and overflow rules.</summary>
public static class Math
{
    public static byte Min(byte val1, byte val2) => val1 <= val2 ? val1 : val2;
    public static sbyte Min(sbyte val1, sbyte val2) => val1 <= val2 ? val1 : val2;
    public static short Min(short val1, short val2) => val1 <= val2 ? val1 : val2;
    public static ushort Min(ushort val1, ushort val2) => val1 <= val2 ? val1 : val2;
    public static int Min(int val1, int val2) => val1 <= val2 ? val1 : val2;
    public static uint Min(uint val1, uint val2) => val1 <= val2 ? val1 : val2;
    public static long Min(long val1, long val2) => val1 <= val2 ? val1 : val2;
    public static ulong Min(ulong val1, ulong val2) => val1 <= val2 ? val1 : val2;
    public static nint Min(nint val1, nint val2) => val1 <= val2 ? val1 : val2;
    public static nuint Min(nuint val1, nuint val2) => val1 <= val2 ? val1 : val2;

    public static byte Max(byte val1, byte val2) => val1 >= val2 ? val1 : val2;
    public static sbyte Max(sbyte val1, sbyte val2) => val1 >= val2 ? val1 : val2;
    public static short Max(short val1, short val2) => val1 >= val2 ? val1 : val2;
    public static ushort Max(ushort val1, ushort val2) => val1 >= val2 ? val1 : val2;
    public static int Max(int val1, int val2) => val1 >= val2 ? val1 : val2;
    public static uint Max(uint val1, uint val2) => val1 >= val2 ? val1 : val2;
    public static long Max(long val1, long val2) => val1 >= val2 ? val1 : val2;
    public static ulong Max(ulong val1, ulong val2) => val1 >= val2 ? val1 : val2;
    public static nint Max(nint val1, nint val2) => val1 >= val2 ? val1 : val2;
    public static nuint Max(nuint val1, nuint val2) => val1 >= val2 ? val1 : val2;

    // .NET throws OverflowException for Abs(MinValue); here that is a fail-fast.
    public static sbyte Abs(sbyte value)
    {
        if (value == sbyte.MinValue)
            ThrowHelpers.ThrowOverflowException();
        return value < 0 ? (sbyte)-value : value;
    }

    public static short Abs(short value)
    {
        if (value == short.MinValue)
            ThrowHelpers.ThrowOverflowException();
        return value < 0 ? (short)-value : value;
    }

    public static int Abs(int value)
    {
        if (value == int.MinValue)
            ThrowHelpers.ThrowOverflowException();
        return value < 0 ? -value : value;
    }

    public static long Abs(long value)
    {
        if (value == long.MinValue)
            ThrowHelpers.ThrowOverflowException();
        return value < 0 ? -value : value;
    }

    public static nint Abs(nint value)
    {
        if (value == nint.MinValue)
            ThrowHelpers.ThrowOverflowException();
        return value < 0 ? -value : value;
    }

    // .NET throws ArgumentException when min > max; here that is a fail-fast.
    public static byte Clamp(byte value, byte min, byte max)
    {
        if (min > max)
            ThrowHelpers.ThrowArgumentException();
        return value < min ? min : value > max ? max : value;
    }

    public static sbyte Clamp(sbyte value, sbyte min, sbyte max)
    {
        if (min > max)
            ThrowHelpers.ThrowArgumentException();
        return value < min ? min : value > max ? max : value;
    }

    public static short Clamp(short value, short min, short max)
    {
        if (min > max)
            ThrowHelpers.ThrowArgumentException();
        return value < min ? min : value > max ? max : value;
    }

    public static ushort Clamp(ushort value, ushort min, ushort max)
    {
        if (min > max)
            ThrowHelpers.ThrowArgumentException();
        return value < min ? min : value > max ? max : value;
    }

    public static int Clamp(int value, int min, int max)
    {
        if (min > max)
            ThrowHelpers.ThrowArgumentException();
        return value < min ? min : value > max ? max : value;
    }

    public static uint Clamp(uint value, uint min, uint max)
    {
        if (min > max)
            ThrowHelpers.ThrowArgumentException();
        return value < min ? min : value > max ? max : value;
    }

    public static long Clamp(long value, long min, long max)
    {
        if (min > max)
            ThrowHelpers.ThrowArgumentException();
        return value < min ? min : value > max ? max : value;
    }

    public static ulong Clamp(ulong value, ulong min, ulong max)
    {
        if (min > max)
            ThrowHelpers.ThrowArgumentException();
        return value < min ? min : value > max ? max : value;
    }

    public static nint Clamp(nint value, nint min, nint max)
    {
        if (min > max)
            ThrowHelpers.ThrowArgumentException();
        return value < min ? min : value > max ? max : value;
    }

    public static nuint Clamp(nuint value, nuint min, nuint max)
    {
        if (min > max)
            ThrowHelpers.ThrowArgumentException();
        return value < min ? min : value > max ? max : value;
    }
}
