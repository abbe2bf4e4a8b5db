using System;
using System.Collections.Generic;
using UefiRecovery.Core.Protocol.Fec;
using Xunit;

namespace UefiRecovery.Core.Tests.Protocol.Fec;

public class ErasureCodeTests
{
    // ---- GF(2^8) ----------------------------------------------------------------------------

    [Fact]
    public void Gf256Tables_RebuiltFromPolynomial_Equal()
    {
        int x = 1;
        for (int i = 0; i < 255; i++)
        {
            Assert.Equal((byte)x, Gf256.Exp[i]);
            Assert.Equal((byte)x, Gf256.Exp[i + 255]);
            Assert.Equal((byte)i, Gf256.Log[x]);
            x <<= 1;
            if ((x & 0x100) != 0)
            {
                x ^= Gf256.Polynomial;
            }
        }
    }

    [Fact]
    public void Multiply_EveryPair_EqualsCarrylessReference()
    {
        for (int a = 0; a < 256; a++)
        {
            for (int b = 0; b < 256; b++)
            {
                Assert.Equal(ReferenceMultiply(a, b), Gf256.Multiply((byte)a, (byte)b));
            }
        }
    }

    [Fact]
    public void Inverse_EveryNonZero_TimesItselfIsOne()
    {
        for (int a = 1; a < 256; a++)
        {
            Assert.Equal(1, Gf256.Multiply((byte)a, Gf256.Inverse((byte)a)));
        }
    }

    [Fact]
    public void FillProductRow_EveryCoefficient_EqualsMultiply()
    {
        byte[] row = new byte[256];
        for (int a = 0; a < 256; a++)
        {
            Gf256.FillProductRow((byte)a, row);
            for (int x = 0; x < 256; x++)
            {
                Assert.Equal(Gf256.Multiply((byte)a, (byte)x), row[x]);
            }
        }
    }

    // ---- round trips ------------------------------------------------------------------------

    public static TheoryData<int, int, int> SmallShapes => new TheoryData<int, int, int>
    {
        // sources, parity, last fragment length (fragment size 16)
        { 1, 1, 16 }, { 1, 3, 5 }, { 2, 2, 16 }, { 3, 3, 1 }, { 5, 4, 16 }, { 8, 4, 9 }, { 8, 8, 16 },
    };

    [Theory]
    [MemberData(nameof(SmallShapes))]
    public void TryDecode_EveryErasurePatternFromEveryParitySubset_RestoresSource(int sources, int parityCount, int lastLength)
    {
        const int F = 16;
        byte[] source = RandomBlock(sources, F, lastLength, seed: sources * 31 + parityCount);
        byte[][] parity = EncodeAll(source, F, parityCount);
        var code = new ErasureCode(parityCount, F);
        int patterns = 0;
        foreach (int[] missing in Subsets(sources, parityCount))
        {
            foreach (int[] used in SubsetsOfSize(parityCount, missing.Length))
            {
                byte[] block = Damaged(source, F, missing);
                byte[] pool = Pool(parity, used, F);
                FecStatus status = code.TryDecode(block, F, Bytes(missing), Bytes(used), pool, Slots(used.Length));
                Assert.Equal(FecStatus.Ok, status);
                Assert.Equal(source, block);
                patterns++;
            }
        }
        Assert.True(patterns >= sources); // at least every single loss
    }

    [Theory]
    [InlineData(64, 1432, 1432, 16, 11)]
    [InlineData(128, 1432, 700, 128, 12)]
    [InlineData(100, 508, 1, 40, 13)]
    [InlineData(64, 8932, 8932, 64, 14)]
    public void TryDecode_RandomPatternsLargeBlocks_RestoresSource(int sources, int fragmentSize, int lastLength, int maxMissing, int seed)
    {
        var random = new Random(seed);
        byte[] source = RandomBlock(sources, fragmentSize, lastLength, seed);
        var code = new ErasureCode(maxMissing, fragmentSize);
        byte[] parityBuffer = new byte[fragmentSize];
        for (int round = 0; round < 6; round++)
        {
            int e = round == 0 ? Math.Min(maxMissing, sources) : random.Next(1, Math.Min(maxMissing, sources) + 1);
            int[] missing = Pick(random, sources, e);
            int[] used = Pick(random, ErasureCode.MaxParityCount, e);
            byte[] pool = new byte[e * fragmentSize];
            for (int r = 0; r < e; r++)
            {
                Assert.Equal(FecStatus.Ok, code.TryEncode(source, fragmentSize, used[r], parityBuffer));
                parityBuffer.CopyTo(pool, r * fragmentSize);
            }
            byte[] block = Damaged(source, fragmentSize, missing);
            Assert.Equal(FecStatus.Ok, code.TryDecode(block, fragmentSize, Bytes(missing), Bytes(used), pool, Slots(e)));
            Assert.Equal(source, block);
        }
    }

    [Fact]
    public void TryDecode_SlotsInAnyOrderOfPool_RestoresSource()
    {
        const int F = 32;
        byte[] source = RandomBlock(10, F, F, seed: 5);
        byte[][] parity = EncodeAll(source, F, 4);
        // Parity 3 in slot 5, parity 1 in slot 0 of a six-slot pool.
        byte[] pool = new byte[6 * F];
        parity[3].CopyTo(pool, 5 * F);
        parity[1].CopyTo(pool, 0);
        byte[] block = Damaged(source, F, new[] { 9, 2 });
        var code = new ErasureCode(4, F);

        Assert.Equal(FecStatus.Ok, code.TryDecode(block, F, new byte[] { 9, 2 }, new byte[] { 3, 1 }, pool, new ushort[] { 5, 0 }));

        Assert.Equal(source, block);
    }

    [Fact]
    public void TryDecode_NothingMissing_OkAndUnchanged()
    {
        byte[] source = RandomBlock(4, 8, 8, seed: 1);
        byte[] block = (byte[])source.Clone();
        Assert.Equal(FecStatus.Ok, new ErasureCode(2, 8).TryDecode(block, 8, default, default, default, default));
        Assert.Equal(source, block);
    }

    // ---- bad input --------------------------------------------------------------------------

    [Theory]
    [InlineData(128, 16, FecStatus.ParityIndexOutOfRange)]
    [InlineData(255, 16, FecStatus.ParityIndexOutOfRange)]
    [InlineData(-1, 16, FecStatus.ParityIndexOutOfRange)]
    [InlineData(0, 15, FecStatus.BadParityLength)]
    [InlineData(0, 17, FecStatus.BadParityLength)]
    public void TryEncode_BadParityIndexOrLength_RefusedParityUntouched(int parityIndex, int parityLength, FecStatus expected)
    {
        byte[] source = RandomBlock(4, 16, 16, seed: 2);
        byte[] parity = new byte[parityLength];
        parity.AsSpan().Fill(0xA5);

        Assert.Equal(expected, new ErasureCode(4, 16).TryEncode(source, 16, parityIndex, parity));

        Assert.All(parity, b => Assert.Equal(0xA5, b));
    }

    [Theory]
    [InlineData(0, 16, FecStatus.BadBlockLength)]
    [InlineData(128 * 16 + 1, 16, FecStatus.BadBlockLength)]
    [InlineData(64, 0, FecStatus.BadFragmentSize)]
    [InlineData(64, 17, FecStatus.BadFragmentSize)]
    public void TryEncode_BadBlockOrFragmentSize_Refused(int blockLength, int fragmentSize, FecStatus expected)
    {
        Assert.Equal(expected, new ErasureCode(4, 16).TryEncode(new byte[blockLength], fragmentSize, 0, new byte[fragmentSize]));
    }

    public static TheoryData<string, byte[], byte[], ushort[], int, FecStatus> BadDecodeInputs => new TheoryData<string, byte[], byte[], ushort[], int, FecStatus>
    {
        { "parity index 128", new byte[] { 1 }, new byte[] { 128 }, new ushort[] { 0 }, 2, FecStatus.ParityIndexOutOfRange },
        { "missing past the block", new byte[] { 8 }, new byte[] { 0 }, new ushort[] { 0 }, 2, FecStatus.MissingIndexOutOfRange },
        { "fewer parity than missing", new byte[] { 1, 2 }, new byte[] { 0 }, new ushort[] { 0 }, 2, FecStatus.CountMismatch },
        { "fewer slots than parity", new byte[] { 1 }, new byte[] { 0 }, new ushort[] { 0, 1 }, 2, FecStatus.CountMismatch },
        { "missing twice", new byte[] { 3, 3 }, new byte[] { 0, 1 }, new ushort[] { 0, 1 }, 2, FecStatus.DuplicateIndex },
        { "parity twice", new byte[] { 1, 3 }, new byte[] { 1, 1 }, new ushort[] { 0, 1 }, 2, FecStatus.DuplicateIndex },
        { "slot twice", new byte[] { 1, 3 }, new byte[] { 0, 1 }, new ushort[] { 1, 1 }, 2, FecStatus.DuplicateIndex },
        { "slot outside the pool", new byte[] { 1 }, new byte[] { 0 }, new ushort[] { 2 }, 2, FecStatus.BadParityLength },
        { "more than the decoder's size", new byte[] { 0, 1, 2, 3, 4 }, new byte[] { 0, 1, 2, 3, 4 }, new ushort[] { 0, 1, 2, 3, 4 }, 5, FecStatus.TooManyMissing },
    };

    [Theory]
    [MemberData(nameof(BadDecodeInputs))]
    public void TryDecode_BadInputs_RefusedBlockAndPoolUnchanged(
        string scenario, byte[] missing, byte[] parityIndices, ushort[] slots, int poolSlots, FecStatus expected)
    {
        const int F = 16;
        byte[] block = RandomBlock(8, F, 10, seed: 3);
        byte[] blockBefore = (byte[])block.Clone();
        byte[] pool = new byte[poolSlots * F];
        new Random(4).NextBytes(pool);
        byte[] poolBefore = (byte[])pool.Clone();

        FecStatus status = new ErasureCode(4, F).TryDecode(block, F, missing, parityIndices, pool, slots);

        Assert.True(expected == status, scenario + ": " + status);
        Assert.Equal(blockBefore, block);
        Assert.Equal(poolBefore, pool);
    }

    [Fact]
    public void TryDecode_ForgedParityRestoringShortLastFragment_InconsistentAndBlockUnchanged()
    {
        const int F = 64;
        byte[] source = RandomBlock(6, F, 20, seed: 6);
        byte[][] parity = EncodeAll(source, F, 2);
        // The code works byte column by byte column: a forged byte past the short fragment's 20 bytes lands in
        // its padding, which must decode to zeros. (A forged byte before it does not: that is the manifest's job.)
        parity[1][40] ^= 0x40;
        byte[] block = Damaged(source, F, new[] { 5, 1 });
        byte[] before = (byte[])block.Clone();

        FecStatus status = new ErasureCode(2, F).TryDecode(block, F, new byte[] { 5, 1 }, new byte[] { 0, 1 }, Pool(parity, new[] { 0, 1 }, F), Slots(2));

        Assert.Equal(FecStatus.Inconsistent, status);
        Assert.Equal(before, block);
    }

    [Fact]
    public void TryDecode_ForgedParityFullFragments_DecodesWrongBytesForTheManifestToCatch()
    {
        // Without a short fragment the code has no redundancy left to notice a forgery: the decoded bytes are
        // wrong, and only the per-fragment manifest check (docs/protocol.md §5.5) catches them.
        const int F = 64;
        byte[] source = RandomBlock(6, F, F, seed: 7);
        byte[][] parity = EncodeAll(source, F, 1);
        parity[0][3] ^= 1;
        byte[] block = Damaged(source, F, new[] { 2 });

        Assert.Equal(FecStatus.Ok, new ErasureCode(1, F).TryDecode(block, F, new byte[] { 2 }, new byte[] { 0 }, Pool(parity, new[] { 0 }, F), Slots(1)));

        Assert.NotEqual(source, block);
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static byte ReferenceMultiply(int a, int b)
    {
        int product = 0;
        for (int bit = 0; bit < 8; bit++)
        {
            if ((b & (1 << bit)) != 0)
            {
                product ^= a << bit;
            }
        }
        for (int bit = 15; bit >= 8; bit--)
        {
            if ((product & (1 << bit)) != 0)
            {
                product ^= Gf256.Polynomial << (bit - 8);
            }
        }
        return (byte)product;
    }

    private static byte[] RandomBlock(int sources, int fragmentSize, int lastLength, int seed)
    {
        byte[] block = new byte[(sources - 1) * fragmentSize + lastLength];
        new Random(seed).NextBytes(block);
        return block;
    }

    private static byte[][] EncodeAll(byte[] source, int fragmentSize, int count)
    {
        var code = new ErasureCode(1, fragmentSize);
        byte[][] parity = new byte[count][];
        for (int j = 0; j < count; j++)
        {
            parity[j] = new byte[fragmentSize];
            Assert.Equal(FecStatus.Ok, code.TryEncode(source, fragmentSize, j, parity[j]));
        }
        return parity;
    }

    private static byte[] Damaged(byte[] source, int fragmentSize, int[] missing)
    {
        byte[] block = (byte[])source.Clone();
        foreach (int i in missing)
        {
            int length = Math.Min(fragmentSize, block.Length - i * fragmentSize);
            block.AsSpan(i * fragmentSize, length).Fill(0xEE);
        }
        return block;
    }

    private static byte[] Pool(byte[][] parity, int[] used, int fragmentSize)
    {
        byte[] pool = new byte[used.Length * fragmentSize];
        for (int r = 0; r < used.Length; r++)
        {
            parity[used[r]].CopyTo(pool, r * fragmentSize);
        }
        return pool;
    }

    private static ushort[] Slots(int count)
    {
        ushort[] slots = new ushort[count];
        for (int i = 0; i < count; i++)
        {
            slots[i] = (ushort)i;
        }
        return slots;
    }

    private static byte[] Bytes(int[] values) => Array.ConvertAll(values, v => (byte)v);

    private static int[] Pick(Random random, int range, int count)
    {
        var all = new List<int>();
        for (int i = 0; i < range; i++)
        {
            all.Add(i);
        }
        var picked = new int[count];
        for (int i = 0; i < count; i++)
        {
            int at = random.Next(all.Count);
            picked[i] = all[at];
            all.RemoveAt(at);
        }
        return picked;
    }

    /// <summary>Every subset of 0..n-1 with 1..maxSize members.</summary>
    private static IEnumerable<int[]> Subsets(int n, int maxSize)
    {
        for (int size = 1; size <= Math.Min(n, maxSize); size++)
        {
            foreach (int[] subset in SubsetsOfSize(n, size))
            {
                yield return subset;
            }
        }
    }

    private static IEnumerable<int[]> SubsetsOfSize(int n, int size)
    {
        for (int mask = 0; mask < 1 << n; mask++)
        {
            if (System.Numerics.BitOperations.PopCount((uint)mask) != size)
            {
                continue;
            }
            var subset = new int[size];
            int at = 0;
            for (int i = 0; i < n; i++)
            {
                if ((mask & (1 << i)) != 0)
                {
                    subset[at++] = i;
                }
            }
            yield return subset;
        }
    }
}
