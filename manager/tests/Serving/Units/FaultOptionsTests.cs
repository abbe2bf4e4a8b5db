using UefiRecovery.Manager.Serving.Faults;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

public sealed class FaultOptionsTests
{
    [Fact]
    public void TryParse_AllFaults_ParsedWithSeed()
    {
        Assert.True(FaultOptions.TryParse("drop=0.05, corrupt=0.01,dup=0.02,reorder=0.03,seed=7", out var options, out _));
        Assert.Equal(new FaultOptions(0.05, 0.01, 0.02, 0.03, 7), options);
        Assert.True(options.IsActive);
    }

    [Theory]
    [InlineData("drop=2")]
    [InlineData("drop=-0.1")]
    [InlineData("lose=0.1")]
    [InlineData("drop")]
    [InlineData("seed=x")]
    public void TryParse_BadSpec_FalseWithReason(string text)
    {
        Assert.False(FaultOptions.TryParse(text, out _, out string error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void FaultDice_SameSeed_SameDecisions()
    {
        var a = new FaultDice(new FaultOptions(0.5, 0.5, 0, 0, 3), 3);
        var b = new FaultDice(new FaultOptions(0.5, 0.5, 0, 0, 3), 3);
        for (int i = 0; i < 1000; i++) Assert.Equal(a.Roll(0.5), b.Roll(0.5));
    }
}
