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

/// <summary>
/// Red team (issue #10): the donor's session when a LAN attacker forges STATUS_REQUESTs. STATUS_REQUEST is not
/// authenticated and a member answers with the round of the last request it saw (client side:
/// ClientSessionRedTeamTests.ForgedStaleRoundAfterTheDonorsRequest_AnswerStillCarriesTheDonorsRound), so an
/// attacker who repeats every broadcast STATUS_REQUEST with round 1 makes every answer look like a late answer
/// to round 1 (§7.2 rule 6). Asserts §9 ("forged STATUS_REQUESTs cannot postpone answers"); fails on proto.
/// </summary>
[Trait("Category", "RedTeam")]
public sealed class ImageSessionRedTeamTests
{
    private const uint Fragments = 10;
    private static readonly TimeSpan T0 = TimeSpan.FromSeconds(100);
    private static readonly SessionTimings Timings = new() { Gather = TimeSpan.FromSeconds(1), ClientTimeout = TimeSpan.FromSeconds(10) };

    private static ImageSession NewSession()
    {
        FragmentGeometry.TryCreate(Fragments * 1000, 1000, Fragments, out var geometry);
        var image = new CatalogImage("fw.cap", "/x", new byte[Fragments * 1000], new byte[32], Guid.Empty, 1, 0, DateTime.UnixEpoch);
        var manifest = new OfferedManifest(ManifestTree.Build(image.Bytes, geometry, 42, 2, new HostManifestHash()), 2);
        return new ImageSession(0x1234, image, 42, geometry, manifest, DeliveryMode.Broadcast, new IPEndPoint(IPAddress.Parse("10.0.0.255"), 40124), null, Timings, T0);
    }

    private static void Nack(ImageSession session, SessionClient client, uint round, TimeSpan now, params NackRange[] ranges)
    {
        var buffer = new byte[2048];
        Assert.Equal(WireStatus.Ok, StatusMessage.TryEmitRanges(buffer, new MessageIds(1, 0x1234, 7), new StatusReport(round, Fragments - 1, 0, 0, 7), false, ranges, out int n));
        Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(buffer.AsSpan(0, n), out MessageFrame frame));
        Assert.Equal(WireStatus.Ok, StatusMessage.TryParse(frame, out StatusMessage status));
        session.OnStatus(client, status, now);
    }

    private static List<uint> DrainPass(ImageSession session, TimeSpan now)
    {
        var sent = new List<uint>();
        while (session.TryTakeNextFragment(now, out uint index, out _)) sent.Add(index);
        return sent;
    }

    [Fact]
    public void OnStatus_EveryAnswerCarriesAForgedStaleRound_FragmentLostInTheRepairPassIsSentAgain()
    {
        var session = NewSession();
        var member = session.Join(1001, 1, new IPEndPoint(IPAddress.Parse("10.0.0.1"), 5000), 0, T0);
        var timedOut = new List<SessionClient>();
        TimeSpan now = T0 + TimeSpan.FromSeconds(1);
        session.Tick(now, timedOut);
        Assert.Equal(Fragments, (uint)DrainPass(session, now).Count);
        // Round 1: the member lost fragment 3 in pass 0 and says so; the repair pass carries 3, and it is lost again.
        session.Tick(now, timedOut);
        session.MarkAsked(now);
        Nack(session, member, 1, now, new NackRange(3, 1));
        session.Tick(now, timedOut);
        Assert.Equal(new List<uint> { 3 }, DrainPass(session, now));

        // From here on the attacker repeats each of the donor's broadcast STATUS_REQUESTs with round 1, so the
        // member's answer (still "3 is missing") carries round 1: a "late answer" whose NACK of 3 is dropped.
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
                Nack(session, member, 1, now, new NackRange(3, 1));
            }
            now += TimeSpan.FromSeconds(3); // the round's deadline
        }

        Assert.Empty(timedOut);
        Assert.True(resent > 0, "fragment 3 was never sent again: " + rounds + " status rounds, state " + session.State
            + ", member " + member.State + " missing " + member.MissingFragments + ", repair rounds " + session.RepairRounds);
    }
}
