using System;
using System.Collections.Generic;
using System.Net;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Manifest;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Manager.Serving.Catalog;
using UefiRecovery.Manager.Serving.Sessions;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

/// <summary>The donor's session state machine (docs/protocol.md §7) with a hand-stepped clock.</summary>
public sealed partial class ImageSessionTests
{
    private const uint Fragments = 10;
    private static readonly TimeSpan T0 = TimeSpan.FromSeconds(100);
    private static readonly SessionTimings Timings = new() { Gather = TimeSpan.FromSeconds(1), ClientTimeout = TimeSpan.FromSeconds(10) };
    private static readonly IPEndPoint Group = new(IPAddress.Parse("10.0.0.255"), 40124);

    // Manifest groups of 4 fragments: {0..3}, {4..7}, {8, 9}.
    private const byte GroupShift = 2;

    private static ImageSession NewSession()
    {
        FragmentGeometry.TryCreate(Fragments * 1000, 1000, Fragments, out var geometry);
        var image = new CatalogImage("fw.cap", "/x", new byte[Fragments * 1000], new byte[32], Guid.Empty, 1, 0, DateTime.UnixEpoch);
        var manifest = new OfferedManifest(ManifestTree.Build(image.Bytes, geometry, 42, GroupShift, new HostManifestHash()), GroupShift);
        return new ImageSession(0x1234, image, 42, geometry, manifest, DeliveryMode.Broadcast, Group, null, Timings, T0);
    }

    private static IPEndPoint Client(int n) => new(IPAddress.Parse("10.0.0." + n), 5000);

    // Member n: token 1000 + n, MAC n, at 10.0.0.n (the token stands for the pair, §7.4).
    private static SessionClient Join(ImageSession session, int n, TimeSpan now, uint held = 0) =>
        session.Join(1000 + (ulong)n, (ulong)n, Client(n), held, now);

    private static List<uint> DrainPass(ImageSession session, TimeSpan now) => DrainPassWithManifests(session, now).Fragments;

    /// <summary>The fragments of the pass, and those before which the engine must send their group's MANIFEST.</summary>
    private static (List<uint> Fragments, List<uint> ManifestBefore) DrainPassWithManifests(ImageSession session, TimeSpan now)
    {
        var sent = new List<uint>();
        var manifests = new List<uint>();
        while (session.TryTakeNextFragment(now, out uint index, out bool manifestFirst))
        {
            sent.Add(index);
            if (manifestFirst) manifests.Add(index);
        }
        return (sent, manifests);
    }

    private static void Status(ImageSession session, SessionClient client, byte[] datagram, TimeSpan now)
    {
        Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(datagram, out MessageFrame frame));
        Assert.Equal(WireStatus.Ok, StatusMessage.TryParse(frame, out StatusMessage status));
        session.OnStatus(client, status, now);
    }

    private static byte[] Nack(uint round, params NackRange[] ranges)
    {
        var buffer = new byte[2048];
        Assert.Equal(WireStatus.Ok, StatusMessage.TryEmitRanges(buffer, new MessageIds(1, 0x1234, 7), new StatusReport(round, 0, 0, 0, 7), false, ranges, out int n));
        return buffer.AsSpan(0, n).ToArray();
    }

    /// <summary>One datagram of a STATUS series (§4.6): MORE on every one but the last.</summary>
    private static byte[] NackPart(uint round, bool more, params NackRange[] ranges)
    {
        var buffer = new byte[2048];
        Assert.Equal(WireStatus.Ok, StatusMessage.TryEmitRanges(buffer, new MessageIds(1, 0x1234, 7), new StatusReport(round, 0, 0, 0, 7), more, ranges, out int n));
        return buffer.AsSpan(0, n).ToArray();
    }

    private static byte[] NackHolding(uint round, uint held, params NackRange[] ranges)
    {
        var buffer = new byte[2048];
        Assert.Equal(WireStatus.Ok, StatusMessage.TryEmitRanges(buffer, new MessageIds(1, 0x1234, 7), new StatusReport(round, held, 0, 0, 7), false, ranges, out int n));
        return buffer.AsSpan(0, n).ToArray();
    }

    /// <summary>
    /// One member, pass 0, round 1 NACKs fragment 3, and the repair pass {3} is sent at <paramref name="passAt"/>;
    /// the session is then in round 2, asked. Returns the member.
    /// </summary>
    private static SessionClient AfterRepairPassOfFragmentThree(ImageSession session, TimeSpan passAt)
    {
        var member = Join(session, 1, T0);
        var timedOut = new List<SessionClient>();
        session.Tick(passAt, timedOut);
        DrainPass(session, passAt);
        session.Tick(passAt, timedOut);
        session.MarkAsked(passAt);
        Status(session, member, Nack(1, new NackRange(3, 1)), passAt);
        session.Tick(passAt, timedOut);
        Assert.Equal(new List<uint> { 3 }, DrainPass(session, passAt));
        Assert.Equal(SessionAction.SendStatusRequest, session.Tick(passAt, timedOut));
        session.MarkAsked(passAt);
        Assert.Equal(2u, session.Round);
        return member;
    }

    private static byte[] Complete(uint round)
    {
        var buffer = new byte[128];
        Assert.Equal(WireStatus.Ok, StatusMessage.TryEmitComplete(buffer, new MessageIds(1, 0x1234, 7), new StatusReport(round, Fragments, 0, 0, 7), out int n));
        return buffer.AsSpan(0, n).ToArray();
    }

    [Fact]
    public void Join_FirstClient_GathersThenSendsEveryFragmentThenAsksForStatus()
    {
        var session = NewSession();
        Join(session, 1, T0);
        var timedOut = new List<SessionClient>();
        Assert.Equal(SessionState.Gathering, session.State);
        Assert.Empty(DrainPass(session, T0));
        session.Tick(T0 + TimeSpan.FromSeconds(1), timedOut);
        Assert.Equal(SessionState.Sending, session.State);
        Assert.Equal(new List<uint> { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, DrainPass(session, T0 + TimeSpan.FromSeconds(1)));
        Assert.Equal(SessionState.StatusRound, session.State);
        Assert.Equal(SessionAction.SendStatusRequest, session.Tick(T0 + TimeSpan.FromSeconds(2), timedOut));
        Assert.Equal(1, session.MarkAsked(T0 + TimeSpan.FromSeconds(2)));
        Assert.Equal(1u, session.Round);
    }

    [Fact]
    public void CloseRound_TwoClientsNack_RepairPassSendsTheUnionOnce()
    {
        var session = NewSession();
        var a = Join(session, 1, T0);
        var b = Join(session, 2, T0);
        var timedOut = new List<SessionClient>();
        TimeSpan now = T0 + TimeSpan.FromSeconds(1);
        session.Tick(now, timedOut);
        DrainPass(session, now);
        session.Tick(now, timedOut);
        session.MarkAsked(now);
        Status(session, a, Nack(1, new NackRange(2, 2)), now);
        Status(session, b, Nack(1, new NackRange(3, 1), new NackRange(8, 1)), now);
        session.Tick(now, timedOut); // every member answered: the round closes at once
        Assert.Equal(SessionState.Sending, session.State);
        Assert.Equal(1, session.Pass);
        Assert.Equal(1, session.RepairRounds);
        Assert.Equal(new List<uint> { 2, 3, 8 }, DrainPass(session, now));
    }

    [Fact]
    public void OnStatus_LateAnswerToRoundBeforeRepairPass_FragmentsThatPassCarriesNotQueuedAgain()
    {
        var session = NewSession();
        var a = Join(session, 1, T0);
        var b = Join(session, 2, T0);
        var c = Join(session, 3, T0);
        var timedOut = new List<SessionClient>();
        TimeSpan now = T0 + TimeSpan.FromSeconds(1);
        session.Tick(now, timedOut);
        DrainPass(session, now);
        session.Tick(now, timedOut);
        session.MarkAsked(now);
        Status(session, a, Nack(1, new NackRange(2, 2)), now);
        Status(session, b, Nack(1, new NackRange(3, 1)), now);
        // c's answer is late: the round closes at its deadline and the repair pass (2, 3) starts without it.
        TimeSpan deadline = now + TimeSpan.FromSeconds(3);
        session.Tick(deadline, timedOut);
        Assert.Equal(SessionState.Sending, session.State);
        // It arrives during the pass, computed before the pass reached c: 2 and 3 are on their way already,
        // 7 is news.
        Status(session, c, Nack(1, new NackRange(2, 2), new NackRange(7, 1)), deadline);
        Assert.Equal(new List<uint> { 2, 3 }, DrainPass(session, deadline));
        Assert.Equal(1, session.RepairFragments);
        Assert.Equal(3, c.MissingFragments);
        // A fresh answer (the next round) is taken whole.
        session.Tick(deadline, timedOut);
        session.MarkAsked(deadline);
        Status(session, c, Nack(2, new NackRange(2, 1)), deadline);
        Assert.Equal(2, session.RepairFragments);
    }

    [Fact]
    public void Join_LateJoinerDuringPass_PassContinuesWhereItWas()
    {
        var session = NewSession();
        Join(session, 1, T0);
        var timedOut = new List<SessionClient>();
        TimeSpan now = T0 + TimeSpan.FromSeconds(1);
        session.Tick(now, timedOut);
        for (int i = 0; i < 6; i++) session.TryTakeNextFragment(now, out _, out _);
        var late = Join(session, 2, now);
        Assert.Equal(SessionState.Sending, session.State);
        Assert.Equal(new List<uint> { 6, 7, 8, 9 }, DrainPass(session, now));
        Assert.Equal(0, session.Pass);
        // Its NACK for what it missed comes back as the repair pass.
        session.Tick(now, timedOut);
        session.MarkAsked(now);
        Status(session, session.FindClient(1001)!, Complete(1), now);
        Status(session, late, Nack(1, new NackRange(0, 6)), now);
        session.Tick(now, timedOut);
        Assert.Equal(new List<uint> { 0, 1, 2, 3, 4, 5 }, DrainPass(session, now));
    }

    [Fact]
    public void Join_CompleteMemberRebootsWithNothing_ServedAgainThroughAStatusRound()
    {
        // A machine said COMPLETE, lost power while writing flash, and ACCEPTs again holding nothing.
        var session = NewSession();
        var member = Join(session, 1, T0);
        var timedOut = new List<SessionClient>();
        TimeSpan now = T0 + TimeSpan.FromSeconds(1);
        session.Tick(now, timedOut);
        DrainPass(session, now);
        session.Tick(now, timedOut);
        session.MarkAsked(now);
        Status(session, member, Complete(1), now);
        session.Tick(now, timedOut);
        Assert.Equal(MemberState.Complete, member.State);
        Assert.Equal(SessionState.AwaitingResults, session.State);

        var again = Join(session, 1, now);
        Assert.Same(member, again);
        Assert.Equal(MemberState.Receiving, again.State);
        Assert.Equal(0u, again.FragmentsHeld);
        Assert.Equal(SessionState.StatusRound, session.State);
        Assert.Equal(SessionAction.SendStatusRequest, session.Tick(now, timedOut));
        session.MarkAsked(now);
        Status(session, again, Nack(session.Round, new NackRange(0, Fragments)), now);
        session.Tick(now, timedOut);
        Assert.Equal(new List<uint> { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, DrainPass(session, now));
    }

    [Fact]
    public void Join_ActiveMemberRepeatsAccept_NotRestarted()
    {
        var session = NewSession();
        var member = Join(session, 1, T0);
        var timedOut = new List<SessionClient>();
        TimeSpan now = T0 + TimeSpan.FromSeconds(1);
        session.Tick(now, timedOut);
        for (int i = 0; i < 4; i++) session.TryTakeNextFragment(now, out _, out _);
        Join(session, 1, now); // a repeated ACCEPT (its first answer was lost)
        Assert.Equal(SessionState.Sending, session.State);
        Assert.Equal(new List<uint> { 4, 5, 6, 7, 8, 9 }, DrainPass(session, now));
        Assert.Equal(MemberState.Receiving, member.State);
    }

    [Fact]
    public void Join_EveryMemberHoldsFragments_StartsWithStatusRoundNotAFullPass()
    {
        var session = NewSession();
        Join(session, 1, T0, held: 7);
        var timedOut = new List<SessionClient>();
        Assert.Equal(SessionAction.SendStatusRequest, session.Tick(T0 + TimeSpan.FromSeconds(1), timedOut));
        Assert.Equal(SessionState.StatusRound, session.State);
        Assert.Equal(0, session.PendingFragments);
    }

    [Fact]
    public void Tick_MemberSilentForFiveRoundsAndTimeout_TimedOutAndSessionFinishes()
    {
        var session = NewSession();
        Join(session, 1, T0);
        var timedOut = new List<SessionClient>();
        TimeSpan now = T0 + TimeSpan.FromSeconds(1);
        session.Tick(now, timedOut);
        DrainPass(session, now);
        for (int round = 0; round < 40 && timedOut.Count == 0; round++)
        {
            if (session.Tick(now, timedOut) == SessionAction.SendStatusRequest) session.MarkAsked(now);
            now += TimeSpan.FromSeconds(1);
        }
        var gone = Assert.Single(timedOut);
        Assert.Equal(MemberState.TimedOut, gone.State);
        Assert.True(gone.SilentRounds >= 5);
        session.Tick(now, timedOut);
        Assert.Equal(SessionState.Finished, session.State);
    }

    [Fact]
    public void OnStatus_NackBeyondImage_IgnoredOutsideFragmentCount()
    {
        var session = NewSession();
        var a = Join(session, 1, T0);
        var timedOut = new List<SessionClient>();
        TimeSpan now = T0 + TimeSpan.FromSeconds(1);
        session.Tick(now, timedOut);
        DrainPass(session, now);
        session.Tick(now, timedOut);
        session.MarkAsked(now);
        Status(session, a, Nack(1, new NackRange(9, 1000000)), now);
        session.Tick(now, timedOut);
        Assert.Equal(new List<uint> { 9 }, DrainPass(session, now));
    }
    [Fact]
    public void TryTakeNextFragment_PassZero_ManifestBeforeFirstDataOfEachGroup()
    {
        var session = NewSession();
        Join(session, 1, T0);
        var timedOut = new List<SessionClient>();
        TimeSpan now = T0 + TimeSpan.FromSeconds(1);
        session.Tick(now, timedOut);
        var (fragments, manifestBefore) = DrainPassWithManifests(session, now);
        Assert.Equal(10, fragments.Count);
        Assert.Equal(new List<uint> { 0, 4, 8 }, manifestBefore);
    }

    [Fact]
    public void TryTakeNextFragment_RepairPass_ManifestOnlyBeforeAGroupsFirstFragment()
    {
        // A client that lost a group's MANIFEST keeps its DATA only tentatively and NACKs the group's first
        // fragment (§6.3 rule 5): the repair of that fragment brings the MANIFEST again; a repair of other
        // fragments does not need it (every member that NACKs only those already checked the group).
        var session = NewSession();
        var a = Join(session, 1, T0);
        var timedOut = new List<SessionClient>();
        TimeSpan now = T0 + TimeSpan.FromSeconds(1);
        session.Tick(now, timedOut);
        DrainPass(session, now);
        session.Tick(now, timedOut);
        session.MarkAsked(now);
        Status(session, a, Nack(1, new NackRange(1, 2), new NackRange(4, 2), new NackRange(9, 1)), now);
        session.Tick(now, timedOut);
        Assert.Equal(1, session.Pass);
        var (fragments, manifestBefore) = DrainPassWithManifests(session, now);
        Assert.Equal(new List<uint> { 1, 2, 4, 5, 9 }, fragments);
        Assert.Equal(new List<uint> { 4 }, manifestBefore);
    }

    [Fact]
    public void Join_SameMacFromTwoAddresses_TwoMembersEachWithItsOwnState()
    {
        // §7.4: a REQUEST with a MAC from another address gets another token and is another member; it can
        // neither move nor report for the first.
        var session = NewSession();
        var real = session.Join(0xAAAA, 7, new IPEndPoint(IPAddress.Parse("10.0.0.7"), 40124), 0, T0);
        var other = session.Join(0xBBBB, 7, new IPEndPoint(IPAddress.Parse("10.0.0.66"), 40124), 0, T0);
        Assert.NotSame(real, other);
        Assert.Equal(2, session.Clients.Count);
        session.MarkReported(other, "success", T0);
        Assert.Equal(MemberState.Receiving, real.State);
        Assert.Equal(IPAddress.Parse("10.0.0.7"), real.EndPoint.Address);
    }

    [Fact]
    public void Join_SameTokenFromNewPort_SameMemberPortMovesAddressNever()
    {
        // A machine that rebooted keeps its DHCP address (and so its token) but may send from another port.
        var session = NewSession();
        var member = session.Join(0xAAAA, 7, new IPEndPoint(IPAddress.Parse("10.0.0.7"), 40124), 0, T0);
        Assert.Same(member, session.Join(0xAAAA, 7, new IPEndPoint(IPAddress.Parse("10.0.0.7"), 5555), 0, T0));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.0.0.7"), 5555), member.EndPoint);
        member.Rejoined(new IPEndPoint(IPAddress.Parse("10.0.0.66"), 40124));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.0.0.7"), 5555), member.EndPoint);
    }

    /// <summary>(round the STATUS echoes, ms after the repair pass {3} ended that it arrives, is 3 queued again).</summary>
    public static TheoryData<uint, int, bool> AnswersAfterARepairPass => new()
    {
        { 1, 0, false },    // echoes the round before the pass, arrives as the pass ends: may predate it
        { 1, 200, false },  // still within the poll grace
        { 1, 201, true },   // later than the grace: computed after the pass reached the member, whatever round it echoes
        { 0, 50, false },   // unsolicited, within the grace
        { 0, 500, true },
        { 2, 0, true },     // echoes the round asked after the pass: its request followed the pass's last DATA
        { 3, 50, false },   // echoes a round not asked yet (a forged request): no exemption
        { 3, 250, true },
    };

    [Theory]
    [MemberData(nameof(AnswersAfterARepairPass))]
    public void OnStatus_NackOfAFragmentTheLatestRepairPassCarried_StaleOnlyByArrivalTime(uint echoedRound, int msAfterPass, bool queuedAgain)
    {
        var session = NewSession();
        TimeSpan passAt = T0 + TimeSpan.FromSeconds(1);
        var member = AfterRepairPassOfFragmentThree(session, passAt);
        Status(session, member, Nack(echoedRound, new NackRange(3, 1), new NackRange(7, 1)), passAt + TimeSpan.FromMilliseconds(msAfterPass));
        // 7 was not in the pass: always news. 3 was.
        Assert.Equal(queuedAgain ? 2 : 1, session.RepairFragments);
    }

    [Fact]
    public void OnStatus_UnsolicitedNackWhileARepairPassIsSent_FragmentsOfThatPassNotQueuedAgain()
    {
        var session = NewSession();
        var member = Join(session, 1, T0);
        var timedOut = new List<SessionClient>();
        TimeSpan now = T0 + TimeSpan.FromSeconds(1);
        session.Tick(now, timedOut);
        DrainPass(session, now);
        session.Tick(now, timedOut);
        session.MarkAsked(now);
        Status(session, member, Nack(1, new NackRange(2, 2)), now);
        session.Tick(now, timedOut);
        Assert.Equal(SessionState.Sending, session.State);
        // Seconds into a long pass: whatever it echoes, it arrives while the pass is being sent.
        Status(session, member, Nack(0, new NackRange(2, 2), new NackRange(8, 1)), now + TimeSpan.FromSeconds(5));
        Assert.Equal(1, session.RepairFragments);
    }

    [Fact]
    public void OnStatus_ForgedRequestsMakeEveryAnswerEchoAnOldRound_FragmentLostInARepairPassIsSentAgain()
    {
        // Red team F3: STATUS_REQUEST is not authenticated, so an attacker who repeats every broadcast STATUS_REQUEST
        // with round 1 makes the member's answers echo round 1. Judged by the echoed round, every one of them was a
        // late answer and its NACK of the fragment lost in the repair pass was dropped for ever (a livelock).
        var session = NewSession();
        var member = Join(session, 1, T0);
        var timedOut = new List<SessionClient>();
        TimeSpan now = T0 + TimeSpan.FromSeconds(1);
        session.Tick(now, timedOut);
        Assert.Equal((int)Fragments, DrainPass(session, now).Count);
        // Round 1: the member lost fragment 3 in pass 0 and says so; the repair pass carries 3, and it is lost again.
        session.Tick(now, timedOut);
        session.MarkAsked(now);
        Status(session, member, NackHolding(1, Fragments - 1, new NackRange(3, 1)), now);
        session.Tick(now, timedOut);
        Assert.Equal(new List<uint> { 3 }, DrainPass(session, now));

        // From here on every answer says "3 is missing" and echoes round 1; each comes as soon as the round is asked.
        int resent = 0;
        uint rounds = 0;
        for (int i = 0; i < 50 && resent == 0; i++)
        {
            SessionAction action = session.Tick(now, timedOut);
            if (session.State == SessionState.Sending) { resent += DrainPass(session, now).FindAll(f => f == 3).Count; continue; }
            if (action == SessionAction.SendStatusRequest)
            {
                session.MarkAsked(now);
                rounds = session.Round;
                Status(session, member, NackHolding(1, Fragments - 1, new NackRange(3, 1)), now);
            }
            now += TimeSpan.FromSeconds(3); // the round's deadline
        }

        Assert.Empty(timedOut);
        Assert.True(resent > 0, "fragment 3 was never sent again: " + rounds + " status rounds, state " + session.State
            + ", member " + member.State + " missing " + member.MissingFragments + ", repair rounds " + session.RepairRounds);
    }

    /// <summary>Up to <paramref name="passes"/> repair passes for <paramref name="member"/> alone: before each it NACKs <paramref name="nacks"/> holding <paramref name="held"/>(pass).</summary>
    private static List<SessionClient> RepairPasses(ImageSession session, SessionClient member, int passes, Func<int, uint> held, params NackRange[] nacks)
    {
        var timedOut = new List<SessionClient>();
        TimeSpan now = T0 + TimeSpan.FromSeconds(1);
        session.Tick(now, timedOut);
        DrainPass(session, now);
        for (int pass = 0; pass < passes && timedOut.Count == 0; pass++)
        {
            if (session.Tick(now, timedOut) == SessionAction.SendStatusRequest) session.MarkAsked(now);
            now += TimeSpan.FromMilliseconds(500); // after the poll grace: a fresh answer whatever it echoes
            Status(session, member, NackHolding(session.Round, held(pass), nacks), now);
            session.Tick(now, timedOut);
            DrainPass(session, now);
        }
        for (int i = 0; i < 3; i++) session.Tick(now, timedOut); // hand over a drop, close the round
        return timedOut;
    }

    [Fact]
    public void OnStatus_MemberNacksEverythingAndHoldsNothingMoreAfterThreeRepairPasses_DroppedWithTheReason()
    {
        // Red team F12: a membership that NACKs every fragment twice a second and never progresses made every repair
        // pass a full image and took the manager's rate from everyone else.
        var session = NewSession();
        var member = Join(session, 1, T0);
        var timedOut = RepairPasses(session, member, passes: 10, held: _ => 0, new NackRange(0, Fragments));
        Assert.Same(member, Assert.Single(timedOut));
        Assert.Equal(MemberState.TimedOut, member.State);
        Assert.Equal(3, member.RepairPassesWithoutProgress);
        Assert.Contains("no progress after 3 repair passes (30 NACKed fragments sent again", member.DropReason, StringComparison.Ordinal);
        Assert.Equal(SessionState.Finished, session.State);
    }

    [Fact]
    public void OnStatus_MemberGainsAFragmentPerPassUnderHeavyLoss_NeverDropped()
    {
        var session = NewSession();
        var member = Join(session, 1, T0);
        Assert.Empty(RepairPasses(session, member, passes: 8, held: pass => (uint)pass + 1, new NackRange(1, Fragments - 1)));
        Assert.Equal(MemberState.Receiving, member.State);
    }

    [Fact]
    public void OnStatus_MemberMissingOneFragmentLosesItFivePassesInARow_NotDroppedBeforeSixteenCopies()
    {
        // 1 fragment lost 5 times: 5 copies without progress, fewer than the 16 an honest member would have to lose.
        var session = NewSession();
        var member = Join(session, 1, T0);
        Assert.Empty(RepairPasses(session, member, passes: 5, held: _ => Fragments - 1, new NackRange(4, 1)));
        Assert.Equal(5, member.RepairPassesWithoutProgress);
        Assert.Equal(MemberState.Receiving, member.State);
    }

    [Fact]
    public void Join_MemberDroppedForNoProgressAcceptsAgain_OneMorePassThenDroppedAgain()
    {
        var session = NewSession();
        var member = Join(session, 1, T0);
        Assert.Single(RepairPasses(session, member, passes: 10, held: _ => 0, new NackRange(0, Fragments)));
        TimeSpan now = T0 + TimeSpan.FromSeconds(60);
        Assert.Same(member, Join(session, 1, now));
        Assert.Equal(MemberState.Receiving, member.State);
        Assert.Equal(2, member.RepairPassesWithoutProgress);
        var timedOut = new List<SessionClient>();
        // Its first answer after rejoining does not drop it; the repair pass it asks for is its last chance.
        for (int i = 0; i < 10 && timedOut.Count == 0; i++)
        {
            if (session.Tick(now, timedOut) == SessionAction.SendStatusRequest) session.MarkAsked(now);
            now += TimeSpan.FromMilliseconds(500);
            Status(session, member, NackHolding(session.Round, 0, new NackRange(0, Fragments)), now);
            if (i == 0) Assert.Equal(MemberState.Receiving, member.State);
            session.Tick(now, timedOut);
            DrainPass(session, now);
        }
        Assert.Same(member, Assert.Single(timedOut));
        Assert.Equal(3, member.RepairPassesWithoutProgress);
    }

    [Fact]
    public void OnStatus_AnswerInThreeDatagrams_RepairCarriesAllAndMemberCountsTheirSum()
    {
        var session = NewSession();
        var member = Join(session, 1, T0);
        var timedOut = new List<SessionClient>();
        session.Tick(T0 + TimeSpan.FromSeconds(1), timedOut);
        DrainPass(session, T0 + TimeSpan.FromSeconds(1));
        session.Tick(T0 + TimeSpan.FromSeconds(2), timedOut);
        session.MarkAsked(T0 + TimeSpan.FromSeconds(2));

        TimeSpan at = T0 + TimeSpan.FromSeconds(2.01);
        Status(session, member, NackPart(1, true, new NackRange(1, 1)), at);
        Status(session, member, NackPart(1, true, new NackRange(4, 2)), at);
        Status(session, member, NackPart(1, false, new NackRange(9, 1)), at);

        // The series is one answer: 4 missing in all, nothing more to ask for, and the union holds every part.
        Assert.Equal(4, member.MissingFragments);
        Assert.Equal(4, member.NacksListed);
        Assert.False(member.HasMoreNacks);
        session.Tick(at, timedOut);
        Assert.Equal(new List<uint> { 1, 4, 5, 9 }, DrainPass(session, at));

        // The next round's answer starts a new count.
        session.Tick(T0 + TimeSpan.FromSeconds(3), timedOut);
        session.MarkAsked(T0 + TimeSpan.FromSeconds(3));
        Status(session, member, NackPart(2, false, new NackRange(5, 1)), T0 + TimeSpan.FromSeconds(3.5));
        Assert.Equal(1, member.MissingFragments);
    }
}
