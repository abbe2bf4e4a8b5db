using System;
using UefiRecovery.Core.Protocol.Fec;
using UefiRecovery.Manager.Serving.Fec;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

/// <summary>
/// The donor's fast parity encoder gives the bytes of recovery-core's portable one (the firmware decodes with that
/// code, docs/protocol.md §5.5), for every parity index, full and short blocks and short last fragments.
/// </summary>
public sealed class BlockParityEncoderTests
{
    [Theory]
    [InlineData(64 * 1432, 1432)]         // a full block
    [InlineData(63 * 1432 + 17, 1432)]    // the image's last block: short, its last fragment 17 bytes
    [InlineData(1, 1432)]
    [InlineData(128 * 508, 508)]          // the most source fragments a block may have
    [InlineData(5 * 100 + 15, 100)]       // a fragment size that is not a multiple of 16
    public void TryEncode_EveryParityIndex_SameBytesAsThePortableEncoder(int blockLength, int fragmentSize)
    {
        var block = new byte[blockLength];
        new Random(blockLength).NextBytes(block);
        var portable = new ErasureCode(1, 1432);
        var fast = new BlockParityEncoder(1432);
        var expected = new byte[fragmentSize];
        var actual = new byte[fragmentSize];

        for (int j = 0; j < ErasureCode.MaxParityCount; j++)
        {
            Assert.Equal(FecStatus.Ok, portable.TryEncode(block, fragmentSize, j, expected));
            actual.AsSpan().Fill(0xA5); // whatever was there before is not part of the parity
            Assert.Equal(FecStatus.Ok, fast.TryEncode(block, fragmentSize, j, actual));
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"parity {j} differs");
        }
    }

    [Theory]
    [InlineData(1432, 0, 1432, 0)]       // fragment size 0
    [InlineData(1432, 2000, 2000, 0)]    // above the maximum
    [InlineData(0, 1432, 1432, 0)]       // no block
    [InlineData(1432, 1432, 1000, 0)]    // parity shorter than a fragment
    [InlineData(1432, 1432, 1432, 128)]  // parity index out of range
    [InlineData(129 * 16, 16, 16, 0)]    // more than 128 source fragments
    public void TryEncode_WhatThePortableEncoderRefuses_RefusedWithItsStatus(int blockLength, int fragmentSize, int parityLength, int parityIndex)
    {
        var block = new byte[blockLength];
        var portable = new ErasureCode(1, 1432);
        var fast = new BlockParityEncoder(1432);

        FecStatus expected = portable.TryEncode(block, fragmentSize, parityIndex, new byte[parityLength]);

        Assert.NotEqual(FecStatus.Ok, expected);
        Assert.Equal(expected, fast.TryEncode(block, fragmentSize, parityIndex, new byte[parityLength]));
    }

    [Fact]
    public void IsAccelerated_OnThisHost()
    {
        // The CI and development hosts are x64 with SSSE3: the fast path is what the tests above compared.
        Assert.True(BlockParityEncoder.IsAccelerated);
    }
}
