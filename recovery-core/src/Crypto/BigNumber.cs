using System;

namespace UefiRecovery.Core.Crypto;

/// <summary>
/// Unsigned big integers as fixed-length spans of 32-bit limbs, least significant limb first.
/// Just the handful of operations RSA verification needs; every span is owned by the caller
/// (stack or preallocated workspace), nothing here allocates.
/// </summary>
internal static class BigNumber
{
    /// <summary>
    /// Loads a big-endian byte string into <paramref name="limbs"/> (zero-extended).
    /// Returns false when the value does not fit.
    /// </summary>
    public static bool TryLoadBigEndian(ReadOnlySpan<byte> bytes, Span<uint> limbs)
    {
        if (bytes.Length > limbs.Length * 4)
        {
            return false;
        }
        limbs.Clear();
        for (int i = 0; i < bytes.Length; i++)
        {
            int bytePosition = bytes.Length - 1 - i; // position counted from the least significant byte
            limbs[bytePosition >> 2] |= (uint)bytes[i] << ((bytePosition & 3) * 8);
        }
        return true;
    }

    /// <summary>Writes the low <paramref name="output"/>.Length bytes of the value big-endian (I2OSP).</summary>
    public static void StoreBigEndian(ReadOnlySpan<uint> limbs, Span<byte> output)
    {
        for (int i = 0; i < output.Length; i++)
        {
            int bytePosition = output.Length - 1 - i;
            int limb = bytePosition >> 2;
            output[i] = limb < limbs.Length ? (byte)(limbs[limb] >> ((bytePosition & 3) * 8)) : (byte)0;
        }
    }

    /// <summary>Compares two values of the same limb count: -1, 0 or 1.</summary>
    public static int Compare(ReadOnlySpan<uint> left, ReadOnlySpan<uint> right)
    {
        for (int i = left.Length - 1; i >= 0; i--)
        {
            if (left[i] != right[i])
            {
                return left[i] < right[i] ? -1 : 1;
            }
        }
        return 0;
    }

    /// <summary>value -= subtrahend (same limb count); returns the final borrow (0 or 1).</summary>
    public static uint SubtractInPlace(Span<uint> value, ReadOnlySpan<uint> subtrahend)
    {
        ulong borrow = 0;
        for (int i = 0; i < value.Length; i++)
        {
            ulong difference = unchecked((ulong)value[i] - subtrahend[i] - borrow);
            value[i] = (uint)difference;
            borrow = (difference >> 32) & 1;
        }
        return (uint)borrow;
    }

    /// <summary>value = 2·value mod modulus, for value &lt; modulus.</summary>
    public static void DoubleModulo(Span<uint> value, ReadOnlySpan<uint> modulus)
    {
        uint carry = 0;
        for (int i = 0; i < value.Length; i++)
        {
            uint limb = value[i];
            value[i] = (limb << 1) | carry;
            carry = limb >> 31;
        }
        // 2·value < 2·modulus, so at most one subtraction brings it back below the modulus.
        if (carry != 0 || Compare(value, modulus) >= 0)
        {
            SubtractInPlace(value, modulus);
        }
    }
}
