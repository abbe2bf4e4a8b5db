using UefiRecovery.Manager.Serving.Sessions;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

public sealed class FragmentSetTests
{
    [Fact]
    public void AddRange_HostileRangeBeyondCapacity_IsClippedToCapacity()
    {
        var set = new FragmentSet(100);
        set.AddRange(90, uint.MaxValue);
        Assert.Equal(10, set.Count);
        Assert.True(set.Contains(99));
        Assert.False(set.Contains(100));
    }

    [Theory]
    [InlineData(0u, 5u)]
    [InlineData(6u, 64u)]
    [InlineData(65u, 129u)]
    [InlineData(130u, -1L)]
    public void NextFrom_SparseMembers_FindsSmallestAtOrAfter(uint from, long expected)
    {
        var set = new FragmentSet(130);
        set.Add(5);
        set.Add(64);
        set.Add(129);
        Assert.Equal(expected, set.NextFrom(from));
    }

    [Fact]
    public void TakeAll_TwoSets_UnionAndSourceEmptied()
    {
        var pending = new FragmentSet(200);
        var repair = new FragmentSet(200);
        pending.Add(1);
        repair.AddRange(1, 3);
        repair.Add(199);
        pending.TakeAll(repair);
        Assert.Equal(4, pending.Count);
        Assert.True(repair.IsEmpty);
    }
}
