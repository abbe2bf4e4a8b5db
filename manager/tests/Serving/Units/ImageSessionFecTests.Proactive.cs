using System;
using System.Collections.Generic;
using UefiRecovery.Manager.Serving.Sessions;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

/// <summary>
/// serve --fec-proactive (docs/protocol.md §5.5): pass 0 sends parity after each block's last DATA, and more copies of
/// the MANIFESTs of the groups that ended in it; a repair pass continues with fresh parity indices.
/// </summary>
public sealed partial class ImageSessionFecTests
{
    /// <summary>Pass 0 as the engine sends it: each DATA, and after it what <see cref="ImageSession.TryTakeProactive"/> gives.</summary>
    private static (List<uint> Data, Dictionary<uint, ProactiveBurst> Bursts) DrainPassZero(ImageSession session, TimeSpan now)
    {
        var data = new List<uint>();
        var bursts = new Dictionary<uint, ProactiveBurst>();
        while (session.TryTakeNextFragment(now, out uint index, out _))
        {
            data.Add(index);
            if (session.TryTakeProactive(index, out ProactiveBurst burst)) bursts.Add(index, burst);
        }
        return (data, bursts);
    }

    private static SessionClient[] Started(ImageSession session, int members, TimeSpan at)
    {
        var clients = new SessionClient[members];
        for (int i = 0; i < members; i++) clients[i] = Join(session, i + 1, T0);
        session.Tick(at, new List<SessionClient>());
        Assert.Equal(SessionState.Sending, session.State);
        return clients;
    }

    [Fact]
    public void PassZero_Proactive_ParityAfterEachBlocksLastFragmentOnly_ShortLastBlockAFullBlocksCount()
    {
        // 2 of every 64 (3.125 %): the last block, 8 fragments, gets 2 as well (its share, 1, left it the likeliest to fail).
        var session = NewSession(proactiveShare: 2.0 / 64);
        TimeSpan at = T0 + TimeSpan.FromSeconds(1);
        Started(session, 20, at);

        var (data, bursts) = DrainPassZero(session, at);

        Assert.Equal((int)Fragments, data.Count);
        Assert.Equal(new uint[] { 63, 127, 191, 199 }, bursts.Keys);
        // 2 of 66 sized for 20 machines and 4 blocks: a loss of about 0.6 %, at which 13 groups' single MANIFESTs would
        // leave 1.6 machines short, two copies 0.01.
        double loss = ProactiveParity.DesignLoss(2.0 / 64, 20, 4);
        Assert.InRange(loss, 0.004, 0.008);
        int extra = bursts[63].ExtraManifestCopies;
        Assert.Equal(1, extra);
        // Groups of 16: blocks 0..2 end groups 4b..4b+3; the last block holds group 12 alone.
        Assert.Equal(new ProactiveBurst(0, 0, 2, 0, 4, extra), bursts[63]);
        Assert.Equal(new ProactiveBurst(1, 0, 2, 4, 4, extra), bursts[127]);
        Assert.Equal(new ProactiveBurst(2, 0, 2, 8, 4, extra), bursts[191]);
        Assert.Equal(new ProactiveBurst(3, 0, 2, 12, 1, extra), bursts[199]);
        Assert.Equal(8, session.ProactiveParitySent);
    }

    [Fact]
    public void PassZero_NoProactiveShare_NothingAfterTheBlocks()
    {
        var session = NewSession();
        TimeSpan at = T0 + TimeSpan.FromSeconds(1);
        Started(session, 1, at);

        var (data, bursts) = DrainPassZero(session, at);

        Assert.Equal((int)Fragments, data.Count);
        Assert.Empty(bursts);
        Assert.Equal(0, session.ProactiveParitySent);
    }

    [Fact]
    public void RepairPass_AfterProactiveParity_FreshIndicesAndNoProactiveBurst()
    {
        var session = NewSession(proactiveShare: 2.0 / 64);
        TimeSpan at = T0 + TimeSpan.FromSeconds(1);
        var members = Started(session, 1, at);
        session.CountData(1, FragmentSize, at);
        DrainPassZero(session, at);
        var timedOut = new List<SessionClient>();
        Assert.Equal(SessionAction.SendStatusRequest, session.Tick(at, timedOut));
        session.MarkAsked(at);

        // Block 0 lost 5, of which the 2 parity repaired none (a member holding 2 parity reports 5 − 2 = 3).
        Status(session, members[0], BlockCounts(1, 0, 3), at);
        session.Tick(at, timedOut);

        // The loss is not measured (what is listed is what parity left): the fallback margin 1 + need/8.
        Assert.Null(session.PassZeroLoss);
        Assert.Equal(SessionState.Sending, session.State);
        Assert.True(session.TryTakeNextParityBlock(at, out uint block, out int first, out int count, out _, out _));
        Assert.Equal(0u, block);
        Assert.Equal(2, first); // after pass 0's parity 0 and 1: a member holding them can use these
        Assert.Equal(3 + 1, count);
        Assert.False(session.TryTakeProactive(63, out _));
    }

    [Fact]
    public void RoundAfterPassZero_Proactive_WindowForAnswersThatAreMostlyComplete()
    {
        // 1,000 members: a quarter millisecond each would be 250 ms, which a short member's answer waits on average half of.
        var proactive = NewSession(proactiveShare: 7.0 / 64);
        var plain = NewSession();
        TimeSpan at = T0 + TimeSpan.FromSeconds(1);
        foreach (ImageSession session in new[] { proactive, plain })
        {
            var members = new SessionClient[1000];
            for (int i = 0; i < members.Length; i++) members[i] = session.Join(5000 + (ulong)i, (ulong)i, new System.Net.IPEndPoint(System.Net.IPAddress.Parse("10.1." + (i >> 8) + "." + (i & 255)), 5000), 0, T0);
            session.Tick(at, new List<SessionClient>());
            DrainPassZero(session, at);
            Assert.Equal(SessionAction.SendStatusRequest, session.Tick(at, new List<SessionClient>()));
            Assert.Equal(1000, session.MarkAsked(at));
        }

        Assert.Equal(20, proactive.CurrentWindowMs);
        Assert.Equal(250, plain.CurrentWindowMs);
    }
}
