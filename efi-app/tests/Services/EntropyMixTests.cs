using UefiRecovery.Efi.Services.Entropy;
using Xunit;

namespace UefiRecovery.Efi.Tests.Services;

public sealed class EntropyMixTests
{
    private const ulong Mac = 0x5254_0012_3456UL;

    /// <summary>
    /// SplitMix64 seeded with 0 (Vigna's reference splitmix64.c, prng.di.unimi.it): its outputs are
    /// Finalize(k * 0x9E3779B97F4A7C15) for k = 1, 2, 3.
    /// </summary>
    [Theory]
    [InlineData(1UL, 0xE220A8397B1DCDAFUL)]
    [InlineData(2UL, 0x6E789E6AA1B965F4UL)]
    [InlineData(3UL, 0x06C45D188009454FUL)]
    public void Finalize_SplitMix64ReferenceOutputs_Match(ulong k, ulong expected)
    {
        Assert.Equal(expected, EntropyMix.Finalize(unchecked(k * EntropyMix.GoldenGamma)));
    }

    [Fact]
    public void Derive_SameInputs_SameSeed()
    {
        Assert.Equal(EntropyMix.Derive(1, 2, Mac, 7, 1), EntropyMix.Derive(1, 2, Mac, 7, 1));
    }

    /// <summary>Two identical machines (same MAC, same counter) that booted together differ only in the pool.</summary>
    [Fact]
    public void Derive_DifferentPools_DifferentSeeds()
    {
        Assert.NotEqual(EntropyMix.Derive(0x1111, 0x2222, Mac, 7, 1), EntropyMix.Derive(0x1112, 0x2222, Mac, 7, 1));
        Assert.NotEqual(EntropyMix.Derive(0x1111, 0x2222, Mac, 7, 1), EntropyMix.Derive(0x1111, 0x2223, Mac, 7, 1));
    }

    /// <summary>A source stuck on one value (or no source: pool 0) still leaves the MAC, counter and draw in play.</summary>
    [Theory]
    [InlineData(0UL, 0UL)]
    [InlineData(ulong.MaxValue, ulong.MaxValue)]
    public void Derive_ConstantPool_StillVariesWithMacCounterAndDraw(ulong pool0, ulong pool1)
    {
        ulong baseline = EntropyMix.Derive(pool0, pool1, Mac, 7, 1);

        Assert.NotEqual(baseline, EntropyMix.Derive(pool0, pool1, Mac + 1, 7, 1));
        Assert.NotEqual(baseline, EntropyMix.Derive(pool0, pool1, Mac, 8, 1));
        Assert.NotEqual(baseline, EntropyMix.Derive(pool0, pool1, Mac, 7, 2));
    }

    /// <summary>One flipped pool bit changes about half of the seed's 64 bits (avalanche), not a few.</summary>
    [Fact]
    public void Derive_OnePoolBitFlipped_AboutHalfTheSeedBitsChange()
    {
        for (int bit = 0; bit < 64; bit++)
        {
            ulong a = EntropyMix.Derive(0x0123456789ABCDEFUL, 0, Mac, 7, 1);
            ulong b = EntropyMix.Derive(0x0123456789ABCDEFUL ^ (1UL << bit), 0, Mac, 7, 1);
            int changed = System.Numerics.BitOperations.PopCount(a ^ b);
            Assert.InRange(changed, 12, 52);
        }
    }
}
