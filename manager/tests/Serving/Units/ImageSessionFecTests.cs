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

/// <summary>The donor's answer to BLOCK COUNTS (docs/protocol.md §5.5): the worst member's need per block, as parity.</summary>
public sealed partial class ImageSessionFecTests
{
    // 200 fragments of 508 bytes: FEC blocks {0..63}, {64..127}, {128..191}, {192..199}; manifest groups of 16.
    private const uint Fragments = 200;
    private const ushort FragmentSize = 508;
    private const byte GroupShift = 4;
    private static readonly TimeSpan T0 = TimeSpan.FromSeconds(100);
    private static readonly SessionTimings Timings = new() { Gather = TimeSpan.FromSeconds(1), ClientTimeout = TimeSpan.FromSeconds(10) };
    private static readonly IPEndPoint Group = new(IPAddress.Parse("10.0.0.255"), 40124);

    private readonly record struct ParityBlock(uint Block, int FirstParity, int Count, uint FirstGroup, uint GroupCount);

    private static ImageSession NewSession(double proactiveShare = 0)
    {
        FragmentGeometry.TryCreate(Fragments * FragmentSize, FragmentSize, Fragments, out var geometry);
        var image = new CatalogImage("fw.cap", "/x", new byte[Fragments * FragmentSize], new byte[32], Guid.Empty, 1, 0, DateTime.UnixEpoch);
        var manifest = new OfferedManifest(ManifestTree.Build(image.Bytes, geometry, 42, GroupShift, new HostManifestHash()), GroupShift);
        return new ImageSession(0x1234, image, 42, geometry, manifest, DeliveryMode.Broadcast, Group, null, Timings, T0)
        {
            ProactiveShare = proactiveShare,
        };
    }

    private static SessionClient Join(ImageSession session, int n, TimeSpan now) =>
        session.Join(1000 + (ulong)n, (ulong)n, new IPEndPoint(IPAddress.Parse("10.0.0." + n), 5000), 0, now);

    private static byte[] BlockCounts(uint round, uint firstBlock, params byte[] counts)
    {
        var buffer = new byte[2048];
        Assert.Equal(WireStatus.Ok, StatusMessage.TryEmitBlockCounts(buffer, new MessageIds(1, 0x1234, 7), new StatusReport(round, 0, 0, 0, 7), false, firstBlock, counts, out int n));
        return buffer.AsSpan(0, n).ToArray();
    }

    private static byte[] Nack(uint round, uint first, uint count)
    {
        var buffer = new byte[2048];
        Assert.Equal(WireStatus.Ok, StatusMessage.TryEmitRanges(buffer, new MessageIds(1, 0x1234, 7), new StatusReport(round, 0, 0, 0, 7), false, new[] { new NackRange(first, count) }, out int n));
        return buffer.AsSpan(0, n).ToArray();
    }

    private static void Status(ImageSession session, SessionClient client, byte[] datagram, TimeSpan now)
    {
        Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(datagram, out MessageFrame frame));
        Assert.Equal(WireStatus.Ok, StatusMessage.TryParse(frame, out StatusMessage status));
        session.OnStatus(client, status, now);
    }

    /// <summary>The repair pass as the engine sends it: DATA first, then parity block by block.</summary>
    private static (List<uint> Data, List<ParityBlock> Parity) DrainPass(ImageSession session, TimeSpan now)
    {
        var data = new List<uint>();
        var parity = new List<ParityBlock>();
        while (true)
        {
            if (session.TryTakeNextFragment(now, out uint index, out _))
            {
                data.Add(index);
                continue;
            }
            if (session.TryTakeNextParityBlock(now, out uint block, out int first, out int count, out uint firstGroup, out uint groups))
            {
                parity.Add(new ParityBlock(block, first, count, firstGroup, groups));
                continue;
            }
            return (data, parity);
        }
    }

    /// <summary>Pass 0 to the end and round 1 asked, for the members 1..<paramref name="members"/>.</summary>
    private static SessionClient[] AfterFirstPass(ImageSession session, int members, TimeSpan at, TimeSpan? dataSentAt = null)
    {
        var clients = new SessionClient[members];
        for (int i = 0; i < members; i++) clients[i] = Join(session, i + 1, T0);
        var timedOut = new List<SessionClient>();
        session.Tick(at, timedOut);
        // The engine counts what it sends; the first DATA's time is when pass 0 began (members there from then measure loss).
        if (dataSentAt is { } sent) session.CountData(1, FragmentSize, sent);
        Assert.Equal((int)Fragments, DrainPass(session, at).Data.Count);
        Assert.Equal(SessionAction.SendStatusRequest, session.Tick(at, timedOut));
        session.MarkAsked(at);
        return clients;
    }

    [Fact]
    public void CloseRound_LossMeasuredInPassZero_ParityAndManifestCopiesSizedForIt()
    {
        var session = NewSession();
        TimeSpan at = T0 + TimeSpan.FromSeconds(1);
        var members = AfterFirstPass(session, 2, at, dataSentAt: at);
        // Joined after pass 0's first DATA: what it misses is not its link's loss.
        SessionClient late = Join(session, 9, at + TimeSpan.FromMilliseconds(1));

        // Each member misses 20 of 200 fragments: 10 % loss.
        Status(session, members[0], BlockCounts(1, 0, 20), at);
        Status(session, members[1], BlockCounts(1, 0, 0, 20 | StatusMessage.BlockNeedsManifest), at);
        Status(session, late, BlockCounts(1, 0, 0, 0, 10, 8), at);
        session.Tick(at, new List<SessionClient>());

        Assert.Equal(0.1, session.PassZeroLoss!.Value, 9);
        var (data, parity) = DrainPass(session, at);
        // The late joiner misses all 8 fragments of the last block: as DATA (8 parity would cost as much).
        Assert.Equal(new List<uint> { 192, 193, 194, 195, 196, 197, 198, 199 }, data);
        Assert.Equal(new[]
        {
            // Need 20 at 10 % loss: 25 (P(more than 5 of 25 lost) = 3.3 %, within the first pass's 5 %), not the
            // fallback's 20 + 1 + 20/8 = 23 (P = 19 %).
            new ParityBlock(0, 0, 25, 0, 0),
            new ParityBlock(1, 0, 25, 4, 4),
            // The late joiner's block at the session's loss: need 10 gets 13 (P = 3.4 %).
            new ParityBlock(2, 0, 13, 0, 0),
        }, parity);
        // At 10 % a MANIFEST sent once is missed by a member 10 % of the time: twice, 1 %.
        Assert.Equal(2, session.ManifestCopies);
    }

    [Fact]
    public void CloseRound_TwoMembersBlockCounts_EachBlockGetsTheWorstMembersNeedAsParityNoData()
    {
        var session = NewSession();
        TimeSpan at = T0 + TimeSpan.FromSeconds(1);
        var members = AfterFirstPass(session, 2, at);

        Status(session, members[0], BlockCounts(1, 0, 3, 0, 1), at);
        Status(session, members[1], BlockCounts(1, 0, 5 | StatusMessage.BlockNeedsManifest, 2), at);
        session.Tick(at, new List<SessionClient>());

        Assert.Equal(SessionState.Sending, session.State);
        var (data, parity) = DrainPass(session, at);
        Assert.Empty(data);
        Assert.Equal(new[]
        {
            // The worst need of each block plus the margin (1 + need/8), and block 0's four groups' MANIFESTs.
            new ParityBlock(0, 0, 5 + 1, 0, 4),
            new ParityBlock(1, 0, 2 + 1, 0, 0),
            new ParityBlock(2, 0, 1 + 1, 0, 0),
        }, parity);
        Assert.Equal(SessionState.StatusRound, session.State);
        Assert.Equal(1, session.RepairRounds);
    }

    [Fact]
    public void NextRepairPass_SameBlockAgain_FreshParityIndices()
    {
        var session = NewSession();
        TimeSpan at = T0 + TimeSpan.FromSeconds(1);
        var members = AfterFirstPass(session, 1, at);
        var timedOut = new List<SessionClient>();
        Status(session, members[0], BlockCounts(1, 0, 5), at);
        session.Tick(at, timedOut);
        DrainPass(session, at);
        Assert.Equal(SessionAction.SendStatusRequest, session.Tick(at, timedOut));
        TimeSpan later = at + TimeSpan.FromSeconds(2); // past the poll grace: not a stale answer
        session.MarkAsked(later);

        Status(session, members[0], BlockCounts(2, 0, 2), later);
        session.Tick(later, timedOut);

        Assert.Equal(new[] { new ParityBlock(0, 6, 2 + 1, 0, 0) }, DrainPass(session, later).Parity);
    }

    [Fact]
    public void CloseRound_OldMemberNacksNewMemberBlockCounts_BothServedInOnePass()
    {
        var session = NewSession();
        TimeSpan at = T0 + TimeSpan.FromSeconds(1);
        var members = AfterFirstPass(session, 2, at);

        Status(session, members[0], Nack(1, 70, 2), at);
        Status(session, members[1], BlockCounts(1, 3, 4), at);
        session.Tick(at, new List<SessionClient>());

        var (data, parity) = DrainPass(session, at);
        Assert.Equal(new List<uint> { 70, 71 }, data);
        Assert.Equal(new[] { new ParityBlock(3, 0, 4 + 1, 0, 0) }, parity);
    }

    [Fact]
    public void OnStatus_BlockCountsArrivingDuringTheRepairPassThatCarriesTheBlock_NotQueuedAgain()
    {
        var session = NewSession();
        TimeSpan at = T0 + TimeSpan.FromSeconds(1);
        var members = AfterFirstPass(session, 1, at);
        var timedOut = new List<SessionClient>();
        Status(session, members[0], BlockCounts(1, 0, 4), at);
        session.Tick(at, timedOut);
        Assert.Equal(SessionState.Sending, session.State);

        // A late copy of the round-1 answer while the pass (which carries block 0's parity) is going out.
        Status(session, members[0], BlockCounts(1, 0, 4, 1), at);
        var first = DrainPass(session, at);
        Assert.Equal(new[] { new ParityBlock(0, 0, 4 + 1, 0, 0) }, first.Parity);
        Assert.Equal(SessionAction.SendStatusRequest, session.Tick(at, timedOut));
        session.MarkAsked(at);
        session.Tick(at + TimeSpan.FromSeconds(5), timedOut);

        // Only block 1, which that pass did not carry, is repaired next.
        Assert.Equal(new[] { new ParityBlock(1, 0, 1 + 1, 0, 0) }, DrainPass(session, at + TimeSpan.FromSeconds(5)).Parity);
    }

    [Fact]
    public void OnStatus_AnswerThatMayPredateThePass_StillGetsTheManifestAndTheParityThePassDidNotCarry()
    {
        // Red team: member A asks 1 parity of block 0 in every round, so every pass carries parity for it; M lost the
        // block's MANIFEST, and a forged STATUS_REQUEST (round + 1) keeps M's answers from echoing a round the donor
        // asked after the pass. Judged stale as a whole block, M's MANIFEST request never reached a pass.
        var session = NewSession();
        TimeSpan at = T0 + TimeSpan.FromSeconds(1);
        var members = AfterFirstPass(session, 2, at);
        SessionClient m = members[0], a = members[1];
        var timedOut = new List<SessionClient>();
        Status(session, a, BlockCounts(1, 0, 1), at);
        Status(session, m, BlockCounts(1, 1, 0), at);
        session.Tick(at, timedOut);
        Assert.Equal(new[] { new ParityBlock(0, 0, 1 + 1, 0, 0) }, DrainPass(session, at).Parity);
        Assert.Equal(SessionAction.SendStatusRequest, session.Tick(at, timedOut));
        session.MarkAsked(at);

        // 10 ms after the pass, echoing round 3 (forged): may predate the pass. It needs the MANIFESTs (not in the
        // pass) and 5 parity, of which the pass carried 2.
        Status(session, m, BlockCounts(3, 0, 5 | StatusMessage.BlockNeedsManifest), at + TimeSpan.FromMilliseconds(10));
        Status(session, a, BlockCounts(2, 1, 0), at + TimeSpan.FromMilliseconds(11));
        session.Tick(at + TimeSpan.FromSeconds(1), timedOut);

        Assert.Equal(SessionState.Sending, session.State);
        // The 3 the pass did not carry (+ the fallback margin 1), fresh indices from 2, and block 0's four MANIFESTs.
        Assert.Equal(new[] { new ParityBlock(0, 2, 3 + 1, 0, 4) }, DrainPass(session, at + TimeSpan.FromSeconds(1)).Parity);
    }

    [Fact]
    public void CloseRound_NeedWithMarginReachesTheBlock_BlockSentAsDataOthersAsParity()
    {
        var session = NewSession();
        TimeSpan at = T0 + TimeSpan.FromSeconds(1);
        var members = AfterFirstPass(session, 1, at);

        // Block 0 needs 55 (+7 = 62 parity), block 1 needs 56 (+8 = 64: the whole block), block 3 (8 fragments) 7 (+1).
        Status(session, members[0], BlockCounts(1, 0, 55, 56, 0, 7), at);
        session.Tick(at, new List<SessionClient>());

        var (data, parity) = DrainPass(session, at);
        var expected = new List<uint>();
        for (uint i = 64; i < 128; i++) expected.Add(i);
        for (uint i = 192; i < 200; i++) expected.Add(i);
        Assert.Equal(expected, data);
        Assert.Equal(new[] { new ParityBlock(0, 0, 55 + 7, 0, 0) }, parity);
    }
}
