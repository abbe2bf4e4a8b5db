using System;
using UefiRecovery.Manager.Serving.Sessions;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

/// <summary>The poll grace fitted to how late members answer (docs/protocol.md §7.2 rule 5).</summary>
public sealed class AnswerLagTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan T0 = TimeSpan.FromSeconds(50);

    [Fact]
    public void Answered_WithinTheWindow_GraceStaysTheConfiguredOne()
    {
        var lag = new AnswerLag(Grace);
        lag.Asked(1, T0, Window);

        Assert.True(lag.Answered(1, T0 + TimeSpan.FromMilliseconds(15)));
        Assert.Equal(Grace, lag.Grace);
    }

    [Fact]
    public void Answered_800MsAfterTheWindow_GraceIsAQuarterMore()
    {
        var lag = new AnswerLag(Grace);
        lag.Asked(1, T0, Window);

        lag.Answered(1, T0 + Window + TimeSpan.FromMilliseconds(800));

        Assert.Equal(TimeSpan.FromMilliseconds(800), lag.Largest);
        Assert.Equal(TimeSpan.FromMilliseconds(1000), lag.Grace);
    }

    [Fact]
    public void Answered_TenSecondsLate_GraceCappedAtThreeSeconds()
    {
        var lag = new AnswerLag(Grace);
        lag.Asked(1, T0, Window);

        lag.Answered(1, T0 + TimeSpan.FromSeconds(10));

        Assert.Equal(AnswerLag.MaxGrace, lag.Grace);
    }

    [Fact]
    public void Answered_RoundNeverAskedOrLongGone_NotCounted()
    {
        var lag = new AnswerLag(Grace);
        lag.Asked(1, T0, Window);
        lag.Asked(17, T0 + TimeSpan.FromSeconds(1), Window); // the ring has 16 slots: round 17 took round 1's

        Assert.False(lag.Answered(1, T0 + TimeSpan.FromSeconds(5)));
        Assert.False(lag.Answered(2, T0 + TimeSpan.FromSeconds(5)));
        Assert.False(lag.Answered(0, T0 + TimeSpan.FromSeconds(5)));
        Assert.Equal(TimeSpan.Zero, lag.Largest);
        Assert.Equal(Grace, lag.Grace);
    }

    [Fact]
    public void NobodyAnswered_DoublesEachTimeUpToTheCap()
    {
        var lag = new AnswerLag(Grace);

        lag.NobodyAnswered();
        Assert.Equal(TimeSpan.FromMilliseconds(400), lag.Grace);
        lag.NobodyAnswered();
        Assert.Equal(TimeSpan.FromMilliseconds(800), lag.Grace);
        for (int i = 0; i < 5; i++) lag.NobodyAnswered();
        Assert.Equal(AnswerLag.MaxGrace, lag.Grace);
    }

    [Fact]
    public void AnsweredInTime_HalvesWhatLateAnswersAndSilenceAdded()
    {
        var lag = new AnswerLag(Grace);
        lag.Asked(1, T0, Window);
        lag.Answered(1, T0 + Window + TimeSpan.FromMilliseconds(1600));
        Assert.Equal(TimeSpan.FromMilliseconds(2000), lag.Grace);

        lag.AnsweredInTime();
        Assert.Equal(TimeSpan.FromMilliseconds(1000), lag.Grace);
        lag.AnsweredInTime();
        lag.AnsweredInTime();
        Assert.Equal(TimeSpan.FromMilliseconds(250), lag.Grace);
        lag.AnsweredInTime();
        Assert.Equal(Grace, lag.Grace);
    }
}
