using System;
using System.Collections.Generic;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Manager.Serving.Sessions;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

/// <summary>
/// When a status round closes (docs/protocol.md §7.2 rule 5): at once when every member asked has answered, else after
/// the window and the poll grace, which grows for members that answer late or not at all, and stays open while answers
/// are still arriving. Measured in a benchmark: 20 receivers on 2 cores read the requests a second after they were sent,
/// and repair passes started with a few members' needs.
/// </summary>
public sealed partial class ImageSessionTests
{
    private static readonly TimeSpan PollWindow = TimeSpan.FromMilliseconds(20);

    /// <summary>Members 1..n, pass 0 sent, round 1 asked at the returned time.</summary>
    private static (SessionClient[] Members, TimeSpan AskedAt) AfterFirstPassAsked(ImageSession session, int members)
    {
        var clients = new SessionClient[members];
        for (int i = 0; i < members; i++) clients[i] = Join(session, i + 1, T0);
        TimeSpan at = T0 + TimeSpan.FromSeconds(1);
        var timedOut = new List<SessionClient>();
        session.Tick(at, timedOut);
        while (session.TryTakeNextFragment(at, out _, out _)) { }
        Assert.Equal(SessionAction.SendStatusRequest, session.Tick(at, timedOut));
        session.MarkAsked(at);
        Assert.Equal(PollWindow, TimeSpan.FromMilliseconds(session.CurrentWindowMs));
        return (clients, at);
    }

    /// <summary>Two members; round 1 closes after window + 200 ms with nobody's answer and round 2 is asked then (returned).</summary>
    private static (SessionClient[] Members, TimeSpan Round2AskedAt) AfterSilentFirstRound(ImageSession session)
    {
        var (members, asked) = AfterFirstPassAsked(session, 2);
        TimeSpan closed = asked + PollWindow + Timings.RoundGrace;
        Assert.Equal(SessionAction.SendStatusRequest, session.Tick(closed, new List<SessionClient>()));
        session.MarkAsked(closed);
        // Nobody answered: the next round waits twice the grace.
        Assert.Equal(TimeSpan.FromMilliseconds(400), session.PollGrace);
        return (members, closed);
    }

    private static SessionState TickAt(ImageSession session, TimeSpan now) { session.Tick(now, new List<SessionClient>()); return session.State; }

    [Fact]
    public void Round_AllAnswerInTheWindow_ClosesAtOnceWithTheConfiguredGrace()
    {
        var session = NewSession();
        var (members, asked) = AfterFirstPassAsked(session, 2);
        Status(session, members[0], Nack(1, new NackRange(3, 1)), asked + TimeSpan.FromMilliseconds(5));
        Status(session, members[1], Nack(1, new NackRange(4, 1)), asked + TimeSpan.FromMilliseconds(9));

        Assert.Equal(SessionState.Sending, TickAt(session, asked + TimeSpan.FromMilliseconds(10)));
        Assert.Equal(Timings.RoundGrace, session.PollGrace);
    }

    [Fact]
    public void Round_NobodyAnswered_NextRoundWaitsTwiceTheGrace()
    {
        var session = NewSession();
        var (members, closed) = AfterSilentFirstRound(session);

        // Round 2 is still open 300 ms after its window (a member slower than 200 ms may still answer) ...
        Assert.Equal(SessionState.StatusRound, TickAt(session, closed + PollWindow + TimeSpan.FromMilliseconds(300)));
        Status(session, members[0], Nack(2, new NackRange(3, 1)), closed + PollWindow + TimeSpan.FromMilliseconds(350));
        // ... and closes a grace (now 1.25 × 350 ms) after that answer, the other member silent: the repair pass
        // carries what was heard.
        Assert.Equal(SessionState.StatusRound, TickAt(session, closed + PollWindow + TimeSpan.FromMilliseconds(780)));
        Assert.Equal(SessionState.Sending, TickAt(session, closed + PollWindow + TimeSpan.FromMilliseconds(790)));
    }

    [Fact]
    public void Round_AnswersStillArriving_StaysOpenUntilTheyStop()
    {
        var session = NewSession();
        var (members, asked) = AfterFirstPassAsked(session, 3);
        TimeSpan end = asked + PollWindow;

        Status(session, members[0], Nack(1, new NackRange(3, 1)), end + TimeSpan.FromMilliseconds(150));
        Assert.Equal(SessionState.StatusRound, TickAt(session, end + TimeSpan.FromMilliseconds(250)));
        Status(session, members[1], Nack(1, new NackRange(4, 1)), end + TimeSpan.FromMilliseconds(340));
        // One grace (now 1.25 × 340 ms) after the latest answer: still open at 760 ms (members catching up with a
        // queue) ...
        Assert.Equal(SessionState.StatusRound, TickAt(session, end + TimeSpan.FromMilliseconds(500)));
        Assert.Equal(SessionState.StatusRound, TickAt(session, end + TimeSpan.FromMilliseconds(760)));
        // ... and closed once a grace passes with no answer; the third member's need comes in the next round.
        Assert.Equal(SessionState.Sending, TickAt(session, end + TimeSpan.FromMilliseconds(770)));
        Assert.Equal(2, session.RepairFragments + session.PendingFragments);
    }

    [Fact]
    public void Round_AnswerToTheCurrentRound800MsLate_GraceAQuarterMoreThanItsLag()
    {
        var session = NewSession();
        var (members, asked) = AfterFirstPassAsked(session, 2);

        Status(session, members[0], Nack(1, new NackRange(3, 1)), asked + PollWindow + TimeSpan.FromMilliseconds(800));

        Assert.Equal(TimeSpan.FromMilliseconds(1000), session.PollGrace);
        // The other member is waited for one grace after that answer.
        Assert.Equal(SessionState.StatusRound, TickAt(session, asked + PollWindow + TimeSpan.FromMilliseconds(1790)));
        Assert.Equal(SessionState.Sending, TickAt(session, asked + PollWindow + TimeSpan.FromMilliseconds(1801)));
    }

    [Fact]
    public void Round_AnswerEchoingAnOlderRoundLate_DoesNotStretchTheGrace()
    {
        // STATUS_REQUEST is not authenticated: a forged one with an old round makes members echo it. Judged as lag,
        // such answers would stretch the grace that §7.2 rule 6 judges stale answers by.
        var session = NewSession();
        var (members, asked) = AfterFirstPassAsked(session, 2);
        TimeSpan closed = asked + PollWindow + Timings.RoundGrace;
        Status(session, members[0], Nack(1, new NackRange(3, 1)), asked + TimeSpan.FromMilliseconds(5));
        session.Tick(closed, new List<SessionClient>());
        Assert.Equal(SessionState.Sending, session.State);
        while (session.TryTakeNextFragment(closed, out _, out _)) { }
        Assert.Equal(SessionAction.SendStatusRequest, session.Tick(closed, new List<SessionClient>()));
        session.MarkAsked(closed);
        Assert.Equal(2u, session.Round);

        Status(session, members[1], Nack(1, new NackRange(5, 1)), closed + TimeSpan.FromSeconds(2));

        Assert.Equal(Timings.RoundGrace, session.PollGrace);
    }

    [Fact]
    public void Round_MemberAnswersTheRoundAgainLate_OnlyItsFirstAnswerMeasuresLag()
    {
        // A forged repeat of the round's STATUS_REQUEST makes a member that already answered answer again, late.
        var session = NewSession();
        var (members, asked) = AfterFirstPassAsked(session, 2);
        Status(session, members[0], Nack(1, new NackRange(3, 1)), asked + TimeSpan.FromMilliseconds(5));

        Status(session, members[0], Nack(1, new NackRange(3, 1)), asked + PollWindow + TimeSpan.FromMilliseconds(900));

        Assert.Equal(Timings.RoundGrace, session.PollGrace);
    }

    [Fact]
    public void Round_MembersEchoAForgedHigherRound_NotTakenForSilence()
    {
        // Members answered (the STATUS came), but echoing a round the donor has not asked: the round closes with them
        // silent for it, and that is not a reason to wait longer next time.
        var session = NewSession();
        var (members, asked) = AfterFirstPassAsked(session, 2);
        Status(session, members[0], Nack(5, new NackRange(3, 1)), asked + TimeSpan.FromMilliseconds(5));
        Status(session, members[1], Nack(5, new NackRange(4, 1)), asked + TimeSpan.FromMilliseconds(6));

        Assert.Equal(SessionState.Sending, TickAt(session, asked + PollWindow + Timings.RoundGrace));
        Assert.Equal(Timings.RoundGrace, session.PollGrace);
    }

    [Fact]
    public void Round_EveryoneAnswersInTimeAfterABackOff_GraceComesBackDown()
    {
        var session = NewSession();
        var (members, closed) = AfterSilentFirstRound(session);

        Status(session, members[0], Nack(2, new NackRange(3, 1)), closed + TimeSpan.FromMilliseconds(5));
        Status(session, members[1], Nack(2, new NackRange(4, 1)), closed + TimeSpan.FromMilliseconds(6));
        Assert.Equal(SessionState.Sending, TickAt(session, closed + TimeSpan.FromMilliseconds(7)));

        Assert.Equal(Timings.RoundGrace, session.PollGrace);
    }
}
