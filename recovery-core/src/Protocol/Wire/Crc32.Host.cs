using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// Host build only (efi-app leaves *.Host.cs out, docs/portable-subset.md): on x86 with PCLMULQDQ, message
/// CRCs fold 16 bytes per step with carry-less multiplication (Intel, "Fast CRC Computation for Generic
/// Polynomials Using PCLMULQDQ Instruction", Gopal et al., 2009: fold by 128 bits, then Barrett reduction;
/// constants for the reflected polynomial 0xEDB88320 as published there and in Linux crc32-pclmul).
/// Every simulated machine checks every DATA, and 20 of them share the sender's cores in the host
/// benchmark; the firmware keeps the portable slicing-by-8. Tests check both against the bitwise definition.
/// </summary>
public static partial class Crc32
{
    // x^(128+32) and x^(128-32) mod P (bit-reflected, shifted): fold the 128-bit remainder over the next 16 bytes.
    private const ulong FoldLow = 0x1751997d0UL;
    private const ulong FoldHigh = 0x0ccaa009eUL;

    // x^(512+32) and x^(512-32) mod P: four independent 128-bit lanes each fold over the block 64 bytes on,
    // so four multiplications are in flight instead of one waiting for the previous (latency-bound otherwise).
    private const ulong Fold4Low = 0x154442bd4UL;
    private const ulong Fold4High = 0x1c6e41596UL;

    // x^64 mod P: 64 → 32 bits.
    private const ulong Fold64 = 0x163cd6124UL;

    // Barrett reduction: P' (the polynomial, reflected, 33 bits) and μ = floor(x^64 / P) reflected.
    private const ulong Polynomial33 = 0x1DB710641UL;
    private const ulong BarrettMu = 0x1F7011641UL;

    // Below this the table loop is as fast (and the folding needs at least one 16-byte block).
    private const int FoldingThreshold = 64;

    /// <summary>Whether <see cref="AppendFolded"/> uses carry-less multiplication on this CPU.</summary>
    public static bool FoldingSupported => Pclmulqdq.IsSupported && Sse41.IsSupported;

    static partial void TryAppendFast(uint crc, ReadOnlySpan<byte> data, ref uint result, ref bool computed)
    {
        if (!FoldingSupported || data.Length < FoldingThreshold) return;
        result = AppendFolded(crc, data);
        computed = true;
    }

    /// <summary>Same result as <see cref="Append"/>: 16-byte folding for the whole blocks, slicing-by-8 for the tail.</summary>
    public static uint AppendFolded(uint crc, ReadOnlySpan<byte> data)
    {
        if (!FoldingSupported || data.Length < FoldingThreshold) return AppendSlicingBy8(crc, data);
        int whole = data.Length & ~15;
        ref byte start = ref MemoryMarshal.GetReference(data);
        // The running state (crc inverted) is added to the first 32 bits, as the table loop does byte by byte.
        Vector128<ulong> x = Vector128.LoadUnsafe(ref start).AsUInt64() ^ Vector128.CreateScalar((ulong)(crc ^ 0xFFFFFFFFu));
        Vector128<ulong> fold = Vector128.Create(FoldLow, FoldHigh);
        int i = 16;
        if (whole >= 128)
        {
            Vector128<ulong> fold4 = Vector128.Create(Fold4Low, Fold4High);
            Vector128<ulong> x1 = Vector128.LoadUnsafe(ref Unsafe.Add(ref start, 16)).AsUInt64();
            Vector128<ulong> x2 = Vector128.LoadUnsafe(ref Unsafe.Add(ref start, 32)).AsUInt64();
            Vector128<ulong> x3 = Vector128.LoadUnsafe(ref Unsafe.Add(ref start, 48)).AsUInt64();
            for (i = 64; i + 64 <= whole; i += 64)
            {
                x = FoldInto(x, fold4, Vector128.LoadUnsafe(ref Unsafe.Add(ref start, i)).AsUInt64());
                x1 = FoldInto(x1, fold4, Vector128.LoadUnsafe(ref Unsafe.Add(ref start, i + 16)).AsUInt64());
                x2 = FoldInto(x2, fold4, Vector128.LoadUnsafe(ref Unsafe.Add(ref start, i + 32)).AsUInt64());
                x3 = FoldInto(x3, fold4, Vector128.LoadUnsafe(ref Unsafe.Add(ref start, i + 48)).AsUInt64());
            }
            // The four lanes into one, 128 bits at a time.
            x = FoldInto(FoldInto(FoldInto(x, fold, x1), fold, x2), fold, x3);
        }
        for (; i < whole; i += 16)
        {
            Vector128<ulong> low = Pclmulqdq.CarrylessMultiply(x, fold, 0x00);
            Vector128<ulong> high = Pclmulqdq.CarrylessMultiply(x, fold, 0x11);
            x = low ^ high ^ Vector128.LoadUnsafe(ref Unsafe.Add(ref start, i)).AsUInt64();
        }

        // 128 → 96 bits: the low half times x^(128-32) mod P, plus the high half.
        x = Pclmulqdq.CarrylessMultiply(x, fold, 0x10) ^ Sse2.ShiftRightLogical128BitLane(x, 8);
        // 96 → 64 bits.
        Vector128<ulong> low32 = Vector128.Create(0xFFFFFFFFUL, 0UL);
        x = Pclmulqdq.CarrylessMultiply(x & low32, Vector128.CreateScalar(Fold64), 0x00) ^ Sse2.ShiftRightLogical128BitLane(x, 4);
        // Barrett: 64 → 32 bits; the remainder lands in bits 32..63.
        Vector128<ulong> barrett = Vector128.Create(Polynomial33, BarrettMu);
        Vector128<ulong> t = Pclmulqdq.CarrylessMultiply(x & low32, barrett, 0x10);
        t = Pclmulqdq.CarrylessMultiply(t & low32, barrett, 0x00);
        uint state = (t ^ x).AsUInt32().GetElement(1);
        return AppendSlicingBy8(state ^ 0xFFFFFFFFu, data.Slice(whole));
    }

    // The remainder so far, moved over 128 (or 512) bits by its two halves' multiplications, plus the next block.
    private static Vector128<ulong> FoldInto(Vector128<ulong> x, Vector128<ulong> constants, Vector128<ulong> next) =>
        Pclmulqdq.CarrylessMultiply(x, constants, 0x00) ^ Pclmulqdq.CarrylessMultiply(x, constants, 0x11) ^ next;
}
