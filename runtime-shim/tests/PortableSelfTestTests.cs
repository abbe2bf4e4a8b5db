using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace UefiRecovery.RuntimeShim.Tests;

/// <summary>
/// The checks the EFI self-test runs against runtime-shim, run here against .NET 10. A check that fails
/// here means the check (or the shim's behaviour it encodes) disagrees with .NET.
/// </summary>
public sealed class PortableSelfTestTests
{
    public static IEnumerable<object[]> CheckNames()
        => RecordingSink.RunAll().Results.Select(r => new object[] { r.Name });

    [Theory]
    [MemberData(nameof(CheckNames))]
    public void Check_OnDotNet_Passes(string name)
    {
        var result = RecordingSink.RunAll().Results.Single(r => r.Name == name);
        Assert.True(result.Passed, $"self-test check '{name}' fails on .NET 10");
    }

    [Fact]
    public void Run_AllGroups_ReportsUniqueNamesInStableOrder()
    {
        var first = RecordingSink.RunAll().Results.Select(r => r.Name).ToList();
        var second = RecordingSink.RunAll().Results.Select(r => r.Name).ToList();

        Assert.True(first.Count >= 90, $"only {first.Count} checks ran");
        Assert.Equal(first.Count, first.Distinct().Count());
        Assert.Equal(first, second);
    }
}
