using System;
using UefiRecovery.Core.Protocol.Client;
using UefiRecovery.Manager.Serving.Sessions;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

/// <summary>The donor's clocks against docs/protocol.md §7.2 rules 3 and 5 and the client's §6.2 timers.</summary>
public sealed class SessionTimingsTests
{
    [Theory]
    [InlineData(0, 20)]
    [InlineData(1, 20)]
    [InlineData(2, 20)]
    [InlineData(20, 20)]
    [InlineData(200, 50)]
    [InlineData(1000, 250)]
    [InlineData(8000, 2000)]
    [InlineData(10000, 2000)]
    public void ResponseWindowMs_Members_AQuarterMsEachClampedTo20And2000(int members, int expected)
    {
        Assert.Equal(expected, SessionTimings.ResponseWindowMs(members));
    }

    [Theory]
    [InlineData(1, 20)]
    [InlineData(1000, 20)]
    [InlineData(10000, 156)]
    [InlineData(200000, 2000)]
    public void CompletingWindowMs_Members_64AMillisecondClampedTo20And2000(int members, int expected)
    {
        Assert.Equal(expected, SessionTimings.CompletingWindowMs(members));
    }

    [Fact]
    public void DefaultGather_IsTheClientsOfferWindow()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(new ClientTimings().OfferWindowMs), SessionTimings.DefaultGather);
        Assert.Equal(SessionTimings.DefaultGather, new SessionTimings().Gather);
    }

    [Fact]
    public void MaxGatherSeconds_DefaultClientTimers_IsHalfTheEarliestAcceptGiveUp()
    {
        // The first N_acc − 1 delays of the T_acc backoff at −25 % jitter: (250 + 500 + 5 × 1000 ms) × 0.75 = 4.312 s; half of it.
        Assert.Equal(2.156, SessionTimings.MaxGatherSeconds, 6);
        Assert.True(SessionTimings.DefaultGather.TotalSeconds <= SessionTimings.MaxGatherSeconds);
    }

    [Fact]
    public void Defaults_PollGraceAndRequestCopies_MatchProtocolTable()
    {
        var timings = new SessionTimings();
        Assert.Equal(TimeSpan.FromMilliseconds(200), timings.RoundGrace);
        Assert.Equal(2, timings.StatusRequestCopies);
    }
}
