using System;
using System.Collections.Generic;
using System.Net;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Manifest;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Manager.Serving.Catalog;
using UefiRecovery.Manager.Serving.Sessions;
using UefiRecovery.Manager.Serving.Status;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

/// <summary>The per-member phase times /status carries for the dashboard's timeline, on a hand-stepped clock.</summary>
public sealed class MemberPhasesTests
{
    private const uint Fragments = 4;
    private static readonly TimeSpan T0 = TimeSpan.FromSeconds(100);
    private static readonly SessionTimings Timings = new() { Gather = TimeSpan.FromSeconds(1), ClientTimeout = TimeSpan.FromSeconds(10) };

    private static ImageSession NewSession()
    {
        FragmentGeometry.TryCreate(Fragments * 1000, 1000, Fragments, out var geometry);
        var image = new CatalogImage("fw.cap", "/x", new byte[Fragments * 1000], new byte[32], Guid.Empty, 1, 0, DateTime.UnixEpoch);
        var manifest = new OfferedManifest(ManifestTree.Build(image.Bytes, geometry, 42, 2, new HostManifestHash()), 2);
        return new ImageSession(0x1234, image, 42, geometry, manifest, DeliveryMode.Broadcast, new IPEndPoint(IPAddress.Parse("10.0.0.255"), 40124), null, Timings, T0);
    }

    private static SessionClient Join(ImageSession session, int n, double at) =>
        session.Join(1000 + (ulong)n, (ulong)n, new IPEndPoint(IPAddress.Parse("10.0.0." + n), 5000), 0, T0 + TimeSpan.FromSeconds(at));

    private static void SendFirstPass(ImageSession session, double at)
    {
        TimeSpan now = T0 + TimeSpan.FromSeconds(at);
        session.Tick(now, new List<SessionClient>());
        // As the engine does: take each fragment of the pass, send it, count it.
        while (session.TryTakeNextFragment(now, out _, out _)) session.CountData(1, 1000, now);
    }

    private static void SayComplete(ImageSession session, SessionClient client, double at)
    {
        var buffer = new byte[128];
        Assert.Equal(WireStatus.Ok, StatusMessage.TryEmitComplete(buffer, new MessageIds(1, 0x1234, 7), new StatusReport(0, Fragments, 0, 0, 7), out int n));
        Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(buffer.AsSpan(0, n), out MessageFrame frame));
        Assert.Equal(WireStatus.Ok, StatusMessage.TryParse(frame, out StatusMessage status));
        session.OnStatus(client, status, T0 + TimeSpan.FromSeconds(at));
    }

    [Fact]
    public void Of_MemberThroughEveryStep_SecondsAfterTheOfferForEach()
    {
        ImageSession session = NewSession();
        SessionClient member = Join(session, 1, 0.5);
        Assert.Equal(new MemberPhases(0.5, null, null, null, null), MemberPhases.Of(session, member));

        SendFirstPass(session, 1.5); // the gather ends 1 s after the first ACCEPT
        SayComplete(session, member, 3);
        session.MarkReported(member, "success (None)", T0 + TimeSpan.FromSeconds(4.25));

        Assert.Equal(new MemberPhases(0.5, 1.5, 3, 4.25, null), MemberPhases.Of(session, member));
    }

    [Fact]
    public void Of_LateJoinerAndMemberThatLeft_FirstDataFromJoiningEndedWhenLastHeard()
    {
        ImageSession session = NewSession();
        SessionClient first = Join(session, 1, 0);
        SendFirstPass(session, 1);
        SessionClient late = Join(session, 2, 2.5);
        session.MarkLeft(first, T0 + TimeSpan.FromSeconds(3));

        // The pass was running when it joined: its data starts at its join, not before it existed.
        Assert.Equal(new MemberPhases(2.5, 2.5, null, null, null), MemberPhases.Of(session, late));
        Assert.Equal(new MemberPhases(0, 1, null, null, 3), MemberPhases.Of(session, first));
    }
}
