using UefiRecovery.Manager.Planning;
using Xunit;

namespace UefiRecovery.Manager.Tests.Planning;

/// <summary>The model's loss on one link: the long-run share it was given, independent or in bursts of the mean length given.</summary>
public sealed class LinkLossTests
{
    private const int Draws = 1_000_000;

    private static (double Share, double MeanBurst) Measure(LinkLoss loss)
    {
        int lost = 0, bursts = 0;
        bool previous = false;
        for (int i = 0; i < Draws; i++)
        {
            bool now = loss.Lose();
            if (now) lost++;
            if (now && !previous) bursts++;
            previous = now;
        }
        return (lost / (double)Draws, bursts == 0 ? 0 : lost / (double)bursts);
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(0.05)]
    public void Independent_ShareAsGiven_BurstsNearlySingle(double p)
    {
        var (share, meanBurst) = Measure(new LinkLoss(p, 1, ModelRandom.For(3, 1)));

        Assert.InRange(share, p * 0.95, p * 1.05);
        Assert.InRange(meanBurst, 1, 1 + 2 * p);
    }

    [Theory]
    [InlineData(0.01, 5)]
    [InlineData(0.05, 10)]
    public void GilbertElliott_ShareAsGiven_BurstsOfTheMeanLength(double p, double burst)
    {
        var (share, meanBurst) = Measure(new LinkLoss(p, burst, ModelRandom.For(3, 2)));

        Assert.InRange(share, p * 0.9, p * 1.1);
        Assert.InRange(meanBurst, burst * 0.9, burst * 1.1);
    }

    [Fact]
    public void NoLoss_NeverLoses()
    {
        var (share, _) = Measure(new LinkLoss(0, 5, ModelRandom.For(3, 3)));

        Assert.Equal(0, share);
    }
}
