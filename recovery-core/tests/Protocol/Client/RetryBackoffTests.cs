using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Client;
using Xunit;

namespace UefiRecovery.Core.Tests.Protocol.Client;

public class RetryBackoffTests
{
    [Fact]
    public void OnSent_NoJitter_DoublesToCap()
    {
        RetryBackoff timer = default;
        ProtocolRandom random = new ProtocolRandom(1);
        timer.Start(100, 1000, 8000, 0);
        Assert.True(timer.IsDue(100));

        ulong now = 100;
        ulong[] expectedGaps = { 1000, 2000, 4000, 8000, 8000 };
        foreach (ulong gap in expectedGaps)
        {
            timer.OnSent(now, random);
            Assert.Equal(now + gap, timer.DueAt);
            Assert.False(timer.IsDue(now + gap - 1));
            now += gap;
        }
        Assert.Equal(5u, timer.Attempts);
    }

    [Fact]
    public void OnSent_Jitter25_StaysWithinSpreadAndVaries()
    {
        ProtocolRandom random = new ProtocolRandom(99);
        ulong min = ulong.MaxValue;
        ulong max = 0;
        for (int i = 0; i < 2000; i++)
        {
            RetryBackoff timer = default;
            timer.Start(0, 1000, 1000, 25);
            timer.OnSent(0, random);
            min = System.Math.Min(min, timer.DueAt);
            max = System.Math.Max(max, timer.DueAt);
        }
        Assert.InRange(min, 750UL, 800UL);
        Assert.InRange(max, 1200UL, 1250UL);
    }

    [Fact]
    public void ProtocolRandom_SameSeed_SameSequence_NextBelowInRange()
    {
        ProtocolRandom a = new ProtocolRandom(7);
        ProtocolRandom b = new ProtocolRandom(7);
        for (int i = 0; i < 1000; i++)
        {
            uint x = a.NextBelow(37);
            Assert.Equal(x, b.NextBelow(37));
            Assert.InRange(x, 0u, 36u);
        }
        Assert.Equal(0u, new ProtocolRandom(0).NextBelow(0));
    }
}
