using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using UefiRecovery.Core.Protocol.Fec;

namespace UefiRecovery.Manager.Serving.Fec;

/// <summary>
/// The donor's PARITY encoder (docs/protocol.md §5.5): the code of recovery-core's <see cref="ErasureCode"/>, byte for
/// byte, 16 bytes at a time. Multiplying by a constant c in GF(2^8) distributes over XOR, so c·x = c·(x &amp; 0x0F) XOR
/// c·(x &amp; 0xF0): two 16-entry tables per coefficient and one byte shuffle each (pshufb, tbl) per 16 bytes, where the
/// portable code looks up one byte at a time. The firmware keeps the portable decoder (no SIMD there); the donor
/// encodes every parity of every block, and with --fec-proactive that is 6–20 % of the image in pass 0: the portable
/// encoder held the donor to 10–28 MB/s of DATA in the benchmark. Without a byte shuffle it falls back to it.
/// </summary>
public sealed class BlockParityEncoder
{
    // Per parity index j and source index i: c(j, i)·x for x = 0..15, then c(j, i)·(x << 4): 128 × 128 × 32 = 512 KiB.
    private static readonly byte[] NibbleProducts = BuildNibbleProducts();

    private readonly ErasureCode _portable;

    public BlockParityEncoder(int maxFragmentSize)
    {
        _portable = new ErasureCode(1, maxFragmentSize);
    }

    /// <summary>True where this CPU encodes with a byte shuffle (SSSE3, AdvSimd); false: the portable encoder.</summary>
    public static bool IsAccelerated => Ssse3.IsSupported || AdvSimd.Arm64.IsSupported;

    /// <summary>As <see cref="ErasureCode.TryEncode"/>: parity <paramref name="parityIndex"/> of the block's source fragments.</summary>
    public FecStatus TryEncode(ReadOnlySpan<byte> block, int fragmentSize, int parityIndex, Span<byte> parity)
    {
        if (!IsAccelerated)
        {
            return _portable.TryEncode(block, fragmentSize, parityIndex, parity);
        }
        // The portable encoder's own check: both refuse the same arguments with the same status.
        FecStatus arguments = _portable.CheckEncode(block.Length, fragmentSize, parityIndex, parity.Length);
        if (arguments != FecStatus.Ok)
        {
            return arguments;
        }
        parity.Clear();
        int sources = ErasureCode.SourceCountOf(block.Length, fragmentSize);
        for (int i = 0; i < sources; i++)
        {
            int start = i * fragmentSize;
            ReadOnlySpan<byte> source = block.Slice(start, Math.Min(fragmentSize, block.Length - start));
            MultiplyAdd(NibbleProducts.AsSpan((parityIndex * ErasureCode.MaxSourceCount + i) * 32, 32), source, parity);
        }
        return FecStatus.Ok;
    }

    // destination[k] ^= c · source[k], c given by its two nibble tables.
    private static void MultiplyAdd(ReadOnlySpan<byte> tables, ReadOnlySpan<byte> source, Span<byte> destination)
    {
        Vector128<byte> low = Vector128.Create(tables.Slice(0, 16));
        Vector128<byte> high = Vector128.Create(tables.Slice(16, 16));
        Vector128<byte> mask = Vector128.Create((byte)0x0F);
        ref byte from = ref MemoryMarshal.GetReference(source);
        ref byte to = ref MemoryMarshal.GetReference(destination);
        int k = 0;
        for (; k + 16 <= source.Length; k += 16)
        {
            Vector128<byte> x = Vector128.LoadUnsafe(ref from, (nuint)k);
            Vector128<byte> product = Lookup(low, x & mask) ^ Lookup(high, Vector128.ShiftRightLogical(x.AsUInt16(), 4).AsByte() & mask);
            (Vector128.LoadUnsafe(ref to, (nuint)k) ^ product).StoreUnsafe(ref to, (nuint)k);
        }
        for (; k < source.Length; k++)
        {
            byte x = source[k];
            destination[k] ^= (byte)(tables[x & 0x0F] ^ tables[16 + (x >> 4)]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Lookup(Vector128<byte> table, Vector128<byte> indices) =>
        Ssse3.IsSupported ? Ssse3.Shuffle(table, indices) : AdvSimd.Arm64.VectorTableLookup(table, indices);

    private static byte[] BuildNibbleProducts()
    {
        var products = new byte[ErasureCode.MaxParityCount * ErasureCode.MaxSourceCount * 32];
        for (int j = 0; j < ErasureCode.MaxParityCount; j++)
        {
            for (int i = 0; i < ErasureCode.MaxSourceCount; i++)
            {
                byte c = ErasureCode.Coefficient(j, i);
                int at = (j * ErasureCode.MaxSourceCount + i) * 32;
                for (int x = 0; x < 16; x++)
                {
                    products[at + x] = Gf256.Multiply(c, (byte)x);
                    products[at + 16 + x] = Gf256.Multiply(c, (byte)(x << 4));
                }
            }
        }
        return products;
    }
}
