using System;
using System.Net;
using UefiRecovery.Manager.Serving.Limits;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

public sealed class SourceRateLimiterTests
{
    private static readonly IPAddress A = IPAddress.Parse("10.0.0.1");
    private static readonly IPAddress B = IPAddress.Parse("10.0.0.2");

    private static int Taken(SourceRateLimiter limiter, IPAddress source, int attempts, TimeSpan now)
    {
        int taken = 0;
        for (int i = 0; i < attempts; i++) if (limiter.TryTake(source, now)) taken++;
        return taken;
    }

    [Fact]
    public void TryTake_OneSourceFloods_BurstThenItsRateOthersUnaffected()
    {
        var limiter = new SourceRateLimiter(new RateLimit(2, 10), new RateLimit(1000, 1000), 16);
        Assert.Equal(10, Taken(limiter, A, 1000, TimeSpan.Zero));
        Assert.Equal(10, Taken(limiter, B, 10, TimeSpan.Zero));
        Assert.Equal(4, Taken(limiter, A, 1000, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void TryTake_ManySources_TotalBucketCapsTheSum()
    {
        var limiter = new SourceRateLimiter(new RateLimit(1, 5), new RateLimit(10, 50), 10_000);
        int taken = 0;
        for (int i = 0; i < 5000; i++) taken += Taken(limiter, new IPAddress(0x0A000000u + (uint)i), 5, TimeSpan.Zero);
        Assert.Equal(50, taken);
    }

    [Fact]
    public void TryTake_MoreSourcesThanTable_TableBoundedAndOverflowShared()
    {
        var limiter = new SourceRateLimiter(new RateLimit(1, 3), new RateLimit(1e9, 1e9), 100);
        int taken = 0;
        for (int i = 0; i < 10_000; i++) taken += Taken(limiter, new IPAddress(0x0B000000u + (uint)i), 3, TimeSpan.Zero);
        Assert.Equal(100, limiter.TrackedSources);
        Assert.Equal(100 * 3 + 3, taken); // 100 buckets of their own, one shared by the other 9,900
    }

    [Fact]
    public void TakeSummary_CountsPerSourceWorstFirstThenResetsAndForgetsIdle()
    {
        var limiter = new SourceRateLimiter(new RateLimit(1, 2), new RateLimit(1e9, 1e9), 100);
        Taken(limiter, A, 12, TimeSpan.Zero);
        Taken(limiter, B, 5, TimeSpan.Zero);
        var summary = limiter.TakeSummary(TimeSpan.FromSeconds(1), top: 1);
        Assert.Equal(13, summary.Suppressed);
        Assert.Equal(2, summary.Sources);
        Assert.Equal("10.0.0.1 10", summary.WorstText);
        Assert.Equal(0, limiter.TakeSummary(TimeSpan.FromSeconds(1), 5).Suppressed);
        Assert.Equal(0, limiter.TakeSummary(TimeSpan.FromSeconds(60), 5).Suppressed);
        Assert.Equal(0, limiter.TrackedSources); // both buckets full again: forgotten
    }
}
