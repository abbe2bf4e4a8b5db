using System;
using UefiRecovery.Core.Protocol.Client;
using Xunit;

namespace UefiRecovery.Core.Tests.Protocol.Client;

public class ParityStoreTests
{
    private static byte[] Parity(byte fill) => new byte[] { fill, fill, fill, fill };

    [Fact]
    public void TryStore_SameBlockAndIndexTwice_FirstCopyKept()
    {
        var store = new ParityStore(4, 4);
        Assert.True(store.Reset(4));

        Assert.True(store.TryStore(7, 3, Parity(1)));
        Assert.False(store.TryStore(7, 3, Parity(2)));

        Assert.Equal(1, store.CountOf(7));
        Span<byte> indices = stackalloc byte[4];
        Span<ushort> slots = stackalloc ushort[4];
        Assert.Equal(1, store.Collect(7, indices, slots));
        Assert.Equal(1, store.Pool[slots[0] * 4]);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(0)]
    public void TryStore_WrongLength_RefusedNothingStored(int length)
    {
        var store = new ParityStore(4, 4);
        store.Reset(4);

        Assert.False(store.TryStore(1, 0, new byte[length]));

        Assert.Equal(0, store.UsedCount);
    }

    [Fact]
    public void Reset_SlotSizeAboveMaximum_RefusedAndStoresNothing()
    {
        var store = new ParityStore(4, 4);
        Assert.False(store.Reset(5));
        Assert.False(store.TryStore(1, 0, new byte[5]));
        Assert.Equal(0, store.UsedCount);
    }

    [Fact]
    public void TryStore_Full_ALowerBlockGivesWay()
    {
        var store = new ParityStore(3, 4);
        store.Reset(4);
        store.TryStore(2, 0, Parity(1));
        store.TryStore(9, 0, Parity(2));
        store.TryStore(6, 0, Parity(3));

        // Block 5's parity arrives: block 2 (below it, already served in this pass) gives way.
        Assert.True(store.TryStore(5, 0, Parity(4)));

        Assert.Equal(0, store.CountOf(2));
        Assert.Equal(1, store.CountOf(9));
        Assert.Equal(1, store.CountOf(6));
        Assert.Equal(1u, store.Evicted);
    }

    [Fact]
    public void TryStore_FullOfLaterBlocks_RefusedUnlessItCompletesItsBlockThenTheHighestGivesWay()
    {
        var store = new ParityStore(2, 4);
        store.Reset(4);
        store.TryStore(6, 0, Parity(1));
        store.TryStore(9, 0, Parity(2));

        // Blocks 6 and 9 are still to be served in this pass and counted on what they hold.
        Assert.False(store.TryStore(1, 0, Parity(3)));
        Assert.Equal(0, store.CountOf(1));
        Assert.Equal(0u, store.Evicted);

        // A parity that completes block 1 (it decodes at once) takes the highest block's slot.
        Assert.True(store.TryStore(1, 0, Parity(3), completesBlock: true));
        Assert.Equal(1, store.CountOf(1));
        Assert.Equal(1, store.CountOf(6));
        Assert.Equal(0, store.CountOf(9));
    }

    [Fact]
    public void Release_Block_FreesOnlyItsSlots()
    {
        var store = new ParityStore(4, 4);
        store.Reset(4);
        store.TryStore(1, 0, Parity(1));
        store.TryStore(1, 1, Parity(1));
        store.TryStore(2, 0, Parity(1));

        store.Release(1);

        Assert.Equal(1, store.UsedCount);
        Assert.Equal(1, store.CountOf(2));
    }
}
