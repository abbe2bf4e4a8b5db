using System;
using UefiRecovery.Manager.Serving.Sessions;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

/// <summary>How much parity a repair pass sends per block (docs/protocol.md §5.5): the need plus a margin for the loss.</summary>
public sealed class ParityPlanTests
{
    // P(X > k) for X ~ Binomial(n, p), by summing the probability of each outcome above k: the definition itself.
    private static double TailByDefinition(int n, double p, int k)
    {
        double sum = 0;
        for (int i = k + 1; i <= n; i++)
        {
            double c = 1;
            for (int j = 1; j <= i; j++) c = c * (n - i + j) / j;
            sum += c * Math.Pow(p, i) * Math.Pow(1 - p, n - i);
        }
        return sum;
    }

    [Theory]
    [InlineData(4, 0.01, 0)]
    [InlineData(16, 0.1, 4)]
    [InlineData(64, 0.05, 3)]
    [InlineData(128, 0.3, 50)]
    [InlineData(10, 0.5, 9)]
    public void Tail_MatchesTheDefinition(int n, double p, int k)
    {
        Assert.Equal(TailByDefinition(n, p, k), ParityPlan.Tail(n, p, k), 9);
    }

    [Theory]
    // 1 %: a block the worst member misses 3 of gets 3 (it fails 3 % of the time, within the first pass's 5 %).
    [InlineData(3, 1, 0.01, 3)]
    // 10 %, the worst of 20 machines misses 12: 16 (P(more than 4 of 16 lost) = 1.7 %); two such members: still 16.
    [InlineData(12, 1, 0.10, 16)]
    [InlineData(12, 2, 0.10, 16)]
    // Nothing lost on the link: the need alone.
    [InlineData(5, 1, 0.0, 5)]
    public void Count_FirstPass_NeedPlusTheMarginTheLossNeeds(int need, int members, double loss, int expected)
    {
        Assert.Equal(expected, ParityPlan.Count(need, members, loss, ParityPlan.FailureTarget(true, 367), 64));
    }

    [Fact]
    public void Count_LaterPassFewBlocks_LargerMarginThanTheFirstPass()
    {
        int first = ParityPlan.Count(4, 1, 0.10, ParityPlan.FailureTarget(true, 367), 64);
        int later = ParityPlan.Count(4, 1, 0.10, ParityPlan.FailureTarget(false, 12), 64);

        Assert.Equal(6, first);
        Assert.True(later > first);
        // The later pass's target: 0.1 failures over its 12 blocks.
        Assert.True(ParityPlan.Tail(later, 0.10, later - 4) <= 0.1 / 12);
    }

    [Fact]
    public void Count_NeverAboveTheLimit()
    {
        Assert.Equal(64, ParityPlan.Count(60, 3, 0.5, 0.0001, 64));
        Assert.Equal(0, ParityPlan.Count(0, 3, 0.5, 0.0001, 64));
    }

    [Theory]
    [InlineData(0.01, 0.05, 1)]
    [InlineData(0.10, 0.05, 2)]
    [InlineData(0.10, 0.005, 3)]
    [InlineData(0.60, 0.0001, 3)]
    public void Copies_FewestWhoseCombinedLossMeetsTheTarget(double loss, double target, int copies)
    {
        Assert.Equal(copies, ParityPlan.Copies(loss, target));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 2)]
    [InlineData(7, 8)]
    [InlineData(8, 10)]
    [InlineData(13, 15)]
    [InlineData(64, 73)]
    public void FallbackCount_NoLossMeasured_NeedPlusOnePlusAnEighth(int need, int count)
    {
        Assert.Equal(count, ParityPlan.FallbackCount(need));
    }
}
