using System;
using System.Numerics;

namespace UefiRecovery.Core.Crypto;

/// <summary>
/// Modular exponentiation with Montgomery multiplication (Montgomery 1985; the CIOS form of
/// Koç, Acar and Kaliski, "Analyzing and Comparing Montgomery Multiplication Algorithms", 1996).
/// R = 2^(32·limbs). The modulus must be odd. Used for public-key operations only, so it is not
/// constant-time on purpose: every input is public.
/// </summary>
internal readonly ref struct MontgomeryModulus
{
    private readonly ReadOnlySpan<uint> _modulus;
    private readonly uint _minusInverse; // -modulus^-1 mod 2^32

    public MontgomeryModulus(ReadOnlySpan<uint> oddModulus)
    {
        _modulus = oddModulus;
        _minusInverse = NegativeInverse(oddModulus[0]);
    }

    public int LimbCount => _modulus.Length;

    /// <summary>Workspace (in limbs) that <see cref="Multiply"/> needs.</summary>
    public int MultiplyWorkspaceLength => _modulus.Length + 2;

    /// <summary>
    /// result = left·right·R^-1 mod modulus, for left, right &lt; modulus. <paramref name="workspace"/> holds
    /// limbs+2 entries; result may be the same span as left or right.
    /// </summary>
    public void Multiply(ReadOnlySpan<uint> left, ReadOnlySpan<uint> right, Span<uint> result, Span<uint> workspace)
    {
        int s = _modulus.Length;
        Span<uint> t = workspace.Slice(0, s + 2);
        t.Clear();
        for (int i = 0; i < s; i++)
        {
            ulong carry = 0;
            ulong rightLimb = right[i];
            for (int j = 0; j < s; j++)
            {
                ulong sum = t[j] + left[j] * rightLimb + carry;
                t[j] = (uint)sum;
                carry = sum >> 32;
            }
            ulong top = t[s] + carry;
            t[s] = (uint)top;
            t[s + 1] = (uint)(top >> 32);

            ulong m = unchecked(t[0] * _minusInverse);
            ulong reduce = t[0] + m * _modulus[0];
            carry = reduce >> 32; // the low word is zero by construction of m
            for (int j = 1; j < s; j++)
            {
                reduce = t[j] + m * _modulus[j] + carry;
                t[j - 1] = (uint)reduce;
                carry = reduce >> 32;
            }
            top = t[s] + carry;
            t[s - 1] = (uint)top;
            t[s] = t[s + 1] + (uint)(top >> 32);
        }

        // t < 2·modulus: one conditional subtraction, taking the extra top limb into account.
        if (t[s] != 0 || BigNumber.Compare(t.Slice(0, s), _modulus) >= 0)
        {
            BigNumber.SubtractInPlace(t.Slice(0, s), _modulus);
        }
        t.Slice(0, s).CopyTo(result);
    }

    /// <summary>
    /// result = base^exponent mod modulus. base &lt; modulus; exponent is big-endian and non-zero.
    /// <paramref name="workspace"/> holds at least 4·limbs+2 entries.
    /// </summary>
    public void Power(ReadOnlySpan<uint> value, ReadOnlySpan<byte> exponentBigEndian, Span<uint> result, Span<uint> workspace)
    {
        int s = _modulus.Length;
        Span<uint> baseMontgomery = workspace.Slice(0, s);
        Span<uint> accumulator = workspace.Slice(s, s);
        Span<uint> rSquared = workspace.Slice(2 * s, s);
        Span<uint> multiplyWorkspace = workspace.Slice(3 * s, s + 2);

        // Into the Montgomery domain: value·R = Multiply(value, R² mod n).
        ComputeRSquared(rSquared, accumulator, multiplyWorkspace);
        Multiply(value, rSquared, baseMontgomery, multiplyWorkspace);

        // Left-to-right square-and-multiply, starting at the exponent's top set bit.
        bool started = false;
        for (int i = 0; i < exponentBigEndian.Length; i++)
        {
            for (int bit = 7; bit >= 0; bit--)
            {
                bool set = ((exponentBigEndian[i] >> bit) & 1) != 0;
                if (started)
                {
                    Multiply(accumulator, accumulator, accumulator, multiplyWorkspace);
                    if (set)
                    {
                        Multiply(accumulator, baseMontgomery, accumulator, multiplyWorkspace);
                    }
                }
                else if (set)
                {
                    baseMontgomery.CopyTo(accumulator);
                    started = true;
                }
            }
        }

        // Out of the Montgomery domain: multiply by 1.
        Span<uint> one = baseMontgomery;
        one.Clear();
        one[0] = 1;
        Multiply(accumulator, one, result, multiplyWorkspace);
    }

    /// <summary>
    /// R² mod n without division: 2R mod n is the Montgomery form of 2; raising it to the power 32·s inside
    /// the Montgomery domain gives the Montgomery form of 2^(32·s) = R, which is R·R mod n.
    /// </summary>
    private void ComputeRSquared(Span<uint> rSquared, Span<uint> twoMontgomery, Span<uint> multiplyWorkspace)
    {
        int s = _modulus.Length;
        // R mod n: with the top bit of n set, n < R < 2n, so R mod n = R - n (two's complement of n in s limbs).
        // Otherwise reduce 1 by plain doubling (slow, but never used by RSA with full-size moduli).
        if ((_modulus[s - 1] & 0x8000_0000u) != 0)
        {
            twoMontgomery.Clear();
            BigNumber.SubtractInPlace(twoMontgomery, _modulus);
        }
        else
        {
            twoMontgomery.Clear();
            twoMontgomery[0] = 1;
            for (int i = 0; i < 32 * s; i++)
            {
                BigNumber.DoubleModulo(twoMontgomery, _modulus);
            }
        }
        BigNumber.DoubleModulo(twoMontgomery, _modulus); // 2R mod n

        int power = 32 * s;
        int topBit = 31 - BitOperations.LeadingZeroCount((uint)power);
        twoMontgomery.CopyTo(rSquared);
        for (int bit = topBit - 1; bit >= 0; bit--)
        {
            Multiply(rSquared, rSquared, rSquared, multiplyWorkspace);
            if (((power >> bit) & 1) != 0)
            {
                Multiply(rSquared, twoMontgomery, rSquared, multiplyWorkspace);
            }
        }
    }

    /// <summary>-n^-1 mod 2^32 by Newton iteration (each step doubles the correct low bits).</summary>
    private static uint NegativeInverse(uint oddLimb)
    {
        uint inverse = oddLimb; // correct to 3 bits for odd n
        for (int i = 0; i < 5; i++)
        {
            inverse = unchecked(inverse * (2 - oddLimb * inverse));
        }
        return unchecked(0u - inverse);
    }
}
