using System;
using UefiRecovery.Manager.Serving.Pacing;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

/// <summary>The budget for expensive work a datagram can trigger (signatures, manifest builds), on a stepped clock.</summary>
public sealed class WorkBudgetTests
{
    [Fact]
    public void TrySpend_CapacityUsedUp_RefusesUntilRefilled()
    {
        var budget = new WorkBudget(unitsPerSecond: 10, capacity: 10);
        TimeSpan t = TimeSpan.FromSeconds(1);
        for (int i = 0; i < 10; i++) Assert.True(budget.TrySpend(1, t));
        Assert.False(budget.TrySpend(1, t));
        Assert.False(budget.TrySpend(1, t + TimeSpan.FromMilliseconds(50)));
        Assert.True(budget.TrySpend(1, t + TimeSpan.FromMilliseconds(150)));
    }

    [Fact]
    public void TrySpend_JobBiggerThanCapacity_RunsOnlyFromAFullBudget()
    {
        var budget = new WorkBudget(unitsPerSecond: 100, capacity: 100);
        TimeSpan t = TimeSpan.FromSeconds(1);
        Assert.True(budget.TrySpend(250, t));        // full: one oversized job may overdraw
        Assert.False(budget.TrySpend(250, t + TimeSpan.FromSeconds(2))); // 200 of debt repaid, not yet full
        Assert.True(budget.TrySpend(250, t + TimeSpan.FromSeconds(3.6)));
    }
}
