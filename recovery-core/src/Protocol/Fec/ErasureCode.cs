using System;

namespace UefiRecovery.Core.Protocol.Fec;

/// <summary>
/// Systematic Reed–Solomon erasure code over GF(2^8) with a Cauchy generator (docs/protocol.md §5.5): a block
/// of k ≤ 128 source fragments is sent as is, and parity fragment j (0 ≤ j &lt; 128) of the block is
/// <c>P_j = Σ_i C(j, i) · S_i</c> with <c>C(j, i) = 1 / ((128 + j) XOR i)</c>. Every square submatrix of a Cauchy
/// matrix is invertible, so any e distinct parity fragments of a block restore any e missing source fragments
/// of it. A short last fragment counts as zero-padded to the fragment size; parity is always one full fragment.
/// <para>
/// All memory is allocated by the constructor (two e×e matrices for the largest e it decodes, one fragment of
/// scratch, one 256-byte product row); encoding and decoding allocate nothing.
/// </para>
/// </summary>
public sealed class ErasureCode
{
    /// <summary>Most source fragments in one block.</summary>
    public const int MaxSourceCount = 128;

    /// <summary>Parity fragments a block can have (parity indices 0..127).</summary>
    public const int MaxParityCount = 128;

    private readonly byte[] _row = new byte[256];
    private readonly byte[] _matrix;
    private readonly byte[] _inverse;
    private readonly byte[] _fragment;
    // Per decode: which of the block's source fragments are missing (bit i of word i / 64).
    private readonly ulong[] _missingBits = new ulong[MaxSourceCount / 64];

    /// <param name="maxMissing">Most missing fragments one decode restores, 1..128 (memory: 2·maxMissing² bytes).</param>
    /// <param name="maxFragmentSize">Largest fragment size, ≥ 1.</param>
    public ErasureCode(int maxMissing, int maxFragmentSize)
    {
        MaxMissing = Math.Clamp(maxMissing, 1, MaxSourceCount);
        MaxFragmentSize = Math.Max(1, maxFragmentSize);
        _matrix = new byte[MaxMissing * MaxMissing];
        _inverse = new byte[MaxMissing * MaxMissing];
        _fragment = new byte[MaxFragmentSize];
    }

    public int MaxMissing { get; }
    public int MaxFragmentSize { get; }

    /// <summary>The generator coefficient of source <paramref name="sourceIndex"/> in parity <paramref name="parityIndex"/>.</summary>
    public static byte Coefficient(int parityIndex, int sourceIndex)
    {
        return Gf256.Inverse((byte)((MaxSourceCount + parityIndex) ^ sourceIndex));
    }

    /// <summary>Source fragments in a block of <paramref name="blockLength"/> bytes (the last may be short).</summary>
    public static int SourceCountOf(int blockLength, int fragmentSize)
    {
        return fragmentSize <= 0 ? 0 : (blockLength + fragmentSize - 1) / fragmentSize;
    }

    /// <summary>
    /// What <see cref="TryEncode"/> says of these arguments before it encodes: Ok, or why it refuses them (another
    /// encoder of this code checks with it, so both refuse the same things).
    /// </summary>
    public FecStatus CheckEncode(int blockLength, int fragmentSize, int parityIndex, int parityLength)
    {
        FecStatus shape = CheckBlock(blockLength, fragmentSize);
        if (shape != FecStatus.Ok)
        {
            return shape;
        }
        if ((uint)parityIndex >= MaxParityCount)
        {
            return FecStatus.ParityIndexOutOfRange;
        }
        if (parityLength != fragmentSize)
        {
            return FecStatus.BadParityLength;
        }
        return FecStatus.Ok;
    }

    /// <summary>
    /// Writes parity fragment <paramref name="parityIndex"/> of <paramref name="block"/> (its source fragments back
    /// to back; every one <paramref name="fragmentSize"/> long but the last) into <paramref name="parity"/>
    /// (exactly one fragment).
    /// </summary>
    public FecStatus TryEncode(ReadOnlySpan<byte> block, int fragmentSize, int parityIndex, Span<byte> parity)
    {
        FecStatus arguments = CheckEncode(block.Length, fragmentSize, parityIndex, parity.Length);
        if (arguments != FecStatus.Ok)
        {
            return arguments;
        }
        parity.Clear();
        int sources = SourceCountOf(block.Length, fragmentSize);
        for (int i = 0; i < sources; i++)
        {
            Gf256.FillProductRow(Coefficient(parityIndex, i), _row);
            Gf256.MultiplyAdd(_row, SourceOf(block, fragmentSize, i), parity);
        }
        return FecStatus.Ok;
    }

    /// <summary>
    /// Restores the source fragments <paramref name="missing"/> (indices within the block) of
    /// <paramref name="block"/> in place, from the parity fragments with indices <paramref name="parityIndices"/>,
    /// stored in <paramref name="parityPool"/> at slots <paramref name="paritySlots"/> (slot s = bytes
    /// [s·F, (s+1)·F)). One parity fragment per missing fragment. The other source fragments of the block must be
    /// present. The parity slots are used as scratch and hold garbage afterwards. On any status but Ok the block
    /// is unchanged.
    /// </summary>
    public FecStatus TryDecode(
        Span<byte> block, int fragmentSize, ReadOnlySpan<byte> missing,
        ReadOnlySpan<byte> parityIndices, Span<byte> parityPool, ReadOnlySpan<ushort> paritySlots)
    {
        FecStatus status = CheckDecodeInputs(block.Length, fragmentSize, missing, parityIndices, parityPool.Length, paritySlots);
        if (status != FecStatus.Ok || missing.Length == 0)
        {
            return status;
        }
        int e = missing.Length;
        int sources = SourceCountOf(block.Length, fragmentSize);

        // 1. Take the present sources out of each parity: what remains is Σ over the missing ones only.
        for (int r = 0; r < e; r++)
        {
            Span<byte> parity = parityPool.Slice(paritySlots[r] * fragmentSize, fragmentSize);
            for (int i = 0; i < sources; i++)
            {
                if (!IsMissing(i))
                {
                    Gf256.FillProductRow(Coefficient(parityIndices[r], i), _row);
                    Gf256.MultiplyAdd(_row, SourceOf(block, fragmentSize, i), parity);
                }
            }
        }

        // 2. Invert the e×e Cauchy submatrix A[r][c] = C(parity r, missing c).
        for (int r = 0; r < e; r++)
        {
            for (int c = 0; c < e; c++)
            {
                _matrix[r * e + c] = Coefficient(parityIndices[r], missing[c]);
                _inverse[r * e + c] = r == c ? (byte)1 : (byte)0;
            }
        }
        if (!InvertInPlace(e))
        {
            // A Cauchy submatrix is never singular; reaching this means the inputs were checked wrongly.
            return FecStatus.DuplicateIndex;
        }

        // 3. Missing c = Σ_r inverse[c][r] · reduced parity r. A short last fragment goes first: its padding
        //    must decode to zeros, else some input was not the encoder's and nothing is written.
        int last = sources - 1;
        int lastLength = block.Length - last * fragmentSize;
        if (lastLength != fragmentSize)
        {
            for (int c = 0; c < e; c++)
            {
                if (missing[c] == last)
                {
                    Combine(c, e, fragmentSize, parityPool, paritySlots);
                    for (int b = lastLength; b < fragmentSize; b++)
                    {
                        if (_fragment[b] != 0)
                        {
                            return FecStatus.Inconsistent;
                        }
                    }
                    break;
                }
            }
        }
        for (int c = 0; c < e; c++)
        {
            Combine(c, e, fragmentSize, parityPool, paritySlots);
            int length = missing[c] == last ? lastLength : fragmentSize;
            _fragment.AsSpan(0, length).CopyTo(block.Slice(missing[c] * fragmentSize, length));
        }
        return FecStatus.Ok;
    }

    private void Combine(int c, int e, int fragmentSize, Span<byte> parityPool, ReadOnlySpan<ushort> paritySlots)
    {
        Span<byte> output = _fragment.AsSpan(0, fragmentSize);
        output.Clear();
        for (int r = 0; r < e; r++)
        {
            Gf256.FillProductRow(_inverse[c * e + r], _row);
            Gf256.MultiplyAdd(_row, parityPool.Slice(paritySlots[r] * fragmentSize, fragmentSize), output);
        }
    }

    /// <summary>Gauss–Jordan on _matrix (e×e), applying the same steps to _inverse (identity at start).</summary>
    private bool InvertInPlace(int e)
    {
        for (int col = 0; col < e; col++)
        {
            int pivot = col;
            while (pivot < e && _matrix[pivot * e + col] == 0)
            {
                pivot++;
            }
            if (pivot == e)
            {
                return false;
            }
            if (pivot != col)
            {
                SwapRows(_matrix, e, pivot, col);
                SwapRows(_inverse, e, pivot, col);
            }
            byte scale = Gf256.Inverse(_matrix[col * e + col]);
            for (int c = 0; c < e; c++)
            {
                _matrix[col * e + c] = Gf256.Multiply(_matrix[col * e + c], scale);
                _inverse[col * e + c] = Gf256.Multiply(_inverse[col * e + c], scale);
            }
            for (int r = 0; r < e; r++)
            {
                byte factor = _matrix[r * e + col];
                if (r == col || factor == 0)
                {
                    continue;
                }
                for (int c = 0; c < e; c++)
                {
                    _matrix[r * e + c] ^= Gf256.Multiply(factor, _matrix[col * e + c]);
                    _inverse[r * e + c] ^= Gf256.Multiply(factor, _inverse[col * e + c]);
                }
            }
        }
        return true;
    }

    private static void SwapRows(byte[] m, int e, int a, int b)
    {
        for (int c = 0; c < e; c++)
        {
            byte t = m[a * e + c];
            m[a * e + c] = m[b * e + c];
            m[b * e + c] = t;
        }
    }

    private static ReadOnlySpan<byte> SourceOf(ReadOnlySpan<byte> block, int fragmentSize, int index)
    {
        int start = index * fragmentSize;
        return block.Slice(start, Math.Min(fragmentSize, block.Length - start));
    }

    private FecStatus CheckBlock(int blockLength, int fragmentSize)
    {
        if (fragmentSize < 1 || fragmentSize > MaxFragmentSize)
        {
            return FecStatus.BadFragmentSize;
        }
        if (blockLength < 1 || blockLength > MaxSourceCount * fragmentSize)
        {
            return FecStatus.BadBlockLength;
        }
        return FecStatus.Ok;
    }

    private FecStatus CheckDecodeInputs(
        int blockLength, int fragmentSize, ReadOnlySpan<byte> missing, ReadOnlySpan<byte> parityIndices,
        int poolLength, ReadOnlySpan<ushort> paritySlots)
    {
        FecStatus shape = CheckBlock(blockLength, fragmentSize);
        if (shape != FecStatus.Ok)
        {
            return shape;
        }
        if (missing.Length > MaxMissing)
        {
            return FecStatus.TooManyMissing;
        }
        if (parityIndices.Length != missing.Length || paritySlots.Length != missing.Length)
        {
            return FecStatus.CountMismatch;
        }
        int sources = SourceCountOf(blockLength, fragmentSize);
        _missingBits.AsSpan().Clear();
        for (int c = 0; c < missing.Length; c++)
        {
            if (missing[c] >= sources)
            {
                return FecStatus.MissingIndexOutOfRange;
            }
            if (IsMissing(missing[c]))
            {
                return FecStatus.DuplicateIndex;
            }
            _missingBits[missing[c] >> 6] |= 1UL << (missing[c] & 63);
        }
        for (int r = 0; r < parityIndices.Length; r++)
        {
            if (parityIndices[r] >= MaxParityCount)
            {
                return FecStatus.ParityIndexOutOfRange;
            }
            if ((long)(paritySlots[r] + 1) * fragmentSize > poolLength)
            {
                return FecStatus.BadParityLength;
            }
            for (int q = 0; q < r; q++)
            {
                if (parityIndices[q] == parityIndices[r] || paritySlots[q] == paritySlots[r])
                {
                    return FecStatus.DuplicateIndex;
                }
            }
        }
        return FecStatus.Ok;
    }

    private bool IsMissing(int index)
    {
        return (_missingBits[index >> 6] & (1UL << (index & 63))) != 0;
    }
}
