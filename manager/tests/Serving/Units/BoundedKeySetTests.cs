using UefiRecovery.Manager.Serving.Limits;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

public sealed class BoundedKeySetTests
{
    [Fact]
    public void Add_MillionDistinctKeys_KeepsOnlyTheNewestCapacity()
    {
        var set = new BoundedKeySet<(uint, ulong)>(1000);
        for (uint i = 0; i < 1_000_000; i++) set.Add((i, i * 7UL));
        Assert.Equal(1000, set.Count);
        Assert.True(set.Contains((999_999u, 999_999UL * 7)));
        Assert.False(set.Contains((0u, 0UL)));
    }

    [Fact]
    public void Add_Repeat_FalseAndNotCountedTwice()
    {
        var set = new BoundedKeySet<int>(4);
        Assert.True(set.Add(1));
        Assert.False(set.Add(1));
        Assert.Equal(1, set.Count);
    }
}
