using System;
using System.Collections.Generic;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Client;
using UefiRecovery.Core.Protocol.Wire;
using Xunit;

namespace UefiRecovery.Core.Tests.Protocol.Client;

/// <summary>
/// Faster rejoin (issue #15 item 3, docs/protocol.md §6.1–§6.2): a machine whose REQUEST, OFFER or ACCEPT was lost
/// joins as soon as its peers, or one short retransmission later, instead of about a second later. Virtual clock
/// (1 ms steps), so the bounds are exact: they include the ±25 % jitter, never a machine's speed.
/// </summary>
public sealed class ClientSessionRejoinTests
{
    private const ulong Minute = 60_000;
    private const ulong DonorA = 0xD0_00_00_00_00_00_00_0AUL;

    [Fact]
    public void Poll_FirstRequestLost_ChoosesWhenALosslessPeerWould()
    {
        ClientHarness h = NewHarness(seed: 151);
        h.Network.UplinkDrop = DropFirst(MessageType.Request);

        Discovery d = RunUntilChosen(h);

        Assert.Equal(2u, h.Client(0).RequestsSent);
        // The retransmission went out T_req (± jitter) after the first, and the window still closed T_offer after the
        // first REQUEST: the lost one cost this machine nothing. (At T_req = 1 s and a window counted from the offer,
        // the same loss chose at least 0.75 + 0.75 s after the first REQUEST.)
        Assert.InRange<ulong>(d.SecondRequestAt - d.FirstRequestAt, 250 * 75 / 100, 250 * 125 / 100 + 1);
        Assert.InRange<ulong>(d.ChosenAt - d.FirstRequestAt, 750, 751);
    }

    [Fact]
    public void Poll_FirstOfferLost_ChoosesWhenALosslessPeerWould()
    {
        ClientHarness h = NewHarness(seed: 152);
        h.Network.DownlinkDrop = DropFirst(MessageType.Offer);

        Discovery d = RunUntilChosen(h);

        Assert.Equal(2u, h.Client(0).RequestsSent);
        Assert.InRange<ulong>(d.ChosenAt - d.FirstRequestAt, 750, 751);
    }

    [Fact]
    public void Poll_ThreeRequestsLost_WindowGivesTheLateOfferAtLeastTLate()
    {
        ClientHarness h = NewHarness(seed: 153);
        h.Network.UplinkDrop = DropFirst(MessageType.Request, count: 3);

        Discovery d = RunUntilChosen(h);

        // REQUESTs at 0, ~250, ~750, ~1750 ms: the offer to the fourth comes after T_offer has run out, so the window is
        // T_late from that offer (other donors answering the same retransmission are still heard).
        Assert.Equal(4u, h.Client(0).RequestsSent);
        Assert.True(d.OfferAt - d.FirstRequestAt > 750, "offer at " + (d.OfferAt - d.FirstRequestAt));
        Assert.InRange<ulong>(d.ChosenAt - d.OfferAt, 250, 251);
    }

    [Fact]
    public void Poll_OfferWindowOpen_NoRequestRetransmittedWhileItRuns()
    {
        ClientHarness h = NewHarness(seed: 154);

        Discovery d = RunUntilChosen(h);

        // The donors that heard the REQUEST have answered; more REQUESTs would only cost them signed OFFERs.
        Assert.Equal(1u, h.Client(0).RequestsSent);
        Assert.Equal(d.FirstRequestAt, d.SecondRequestAt);
    }

    [Fact]
    public void Poll_FirstAcceptLostToUnicastDonor_RetransmittedWithinAQuarterSecondAndJoins()
    {
        ClientHarness h = NewHarness(seed: 155, DeliveryMode.Unicast);
        h.Network.UplinkDrop = DropFirst(MessageType.Accept);
        var accepts = new List<ulong>();
        h.Network.UplinkTap = (datagram, _, _, now) => { if (TypeOf(datagram) == MessageType.Accept) accepts.Add(now); };

        // A unicast donor sends nothing before it has the ACCEPT, so only the retransmission can confirm it.
        Assert.True(h.RunUntil(() => h.Client(0).State == ClientState.Receiving, Minute));

        Assert.True(accepts.Count >= 2, "ACCEPTs seen: " + accepts.Count);
        Assert.InRange<ulong>(accepts[1] - accepts[0], 250 * 75 / 100, 250 * 125 / 100 + 1);
        Assert.True(h.RunUntilAllFinished(Minute));
        Assert.True(h.Client(0).VerifiedImage.SequenceEqual(h.Genuine));
    }

    [Fact]
    public void Poll_EveryAcceptLost_GivesUpAfterNAccNoEarlierThanTheDonorsGatherBound()
    {
        ClientHarness h = NewHarness(seed: 156, DeliveryMode.Unicast);
        h.Network.UplinkDrop = datagram => TypeOf(datagram) == MessageType.Accept;
        var accepts = new List<ulong>();
        h.Network.UplinkTap = (datagram, _, _, now) => { if (TypeOf(datagram) == MessageType.Accept) accepts.Add(now); };
        ClientTimings timings = ClientHarness.DefaultConfig(0).Timings;

        Assert.True(h.RunUntil(() => (h.EventsSeen(0) & ClientEvents.AcceptTimedOut) != 0, Minute));

        // N_acc ACCEPTs on a 250 ms → 1 s backoff; the give-up comes no earlier than EarliestAcceptGiveUpMs after the
        // first, the figure the manager's longest recommended T_gather is half of (§7.2 rule 3).
        Assert.Equal((int)timings.AcceptAttempts, accepts.Count);
        Assert.True(accepts[^1] - accepts[0] >= timings.EarliestAcceptGiveUpMs(),
            $"last ACCEPT {accepts[^1] - accepts[0]} ms after the first; bound {timings.EarliestAcceptGiveUpMs()} ms");
        Assert.Equal(4312UL, timings.EarliestAcceptGiveUpMs()); // (250 + 500 + 5 × 1000) × 0.75
    }

    [Fact]
    public void Poll_FirstResultLost_RetransmittedAfter50Milliseconds()
    {
        ClientHarness h = NewHarness(seed: 157);
        h.Network.UplinkDrop = DropFirst(MessageType.Result);
        var results = new List<ulong>();
        h.Network.UplinkTap = (datagram, _, _, now) => { if (TypeOf(datagram) == MessageType.Result) results.Add(now); };

        Assert.True(h.RunUntilAllFinished(Minute));

        // T_res 50 ms ± 25 % (it was 1 s, then 250 ms: the fleet's last acknowledged RESULT waited for it).
        Assert.True(h.Client(0).ResultAcknowledged);
        Assert.Equal(2, results.Count);
        Assert.InRange<ulong>(results[1] - results[0], 50 * 75 / 100, 50 * 125 / 100 + 1);
    }

    [Fact]
    public void Poll_EveryResultLost_NResResultsOnABackoffDoublingTo2s()
    {
        ClientHarness h = NewHarness(seed: 158);
        h.Network.UplinkDrop = datagram => TypeOf(datagram) == MessageType.Result;
        var results = new List<ulong>();
        h.Network.UplinkTap = (datagram, _, _, now) => { if (TypeOf(datagram) == MessageType.Result) results.Add(now); };
        ClientTimings timings = ClientHarness.DefaultConfig(0).Timings;

        Assert.True(h.RunUntil(() => h.Client(0).State == ClientState.Finished, Minute));

        Assert.False(h.Client(0).ResultAcknowledged);
        Assert.Equal((int)timings.ResultAttempts, results.Count);
        // 50, 100, ... 1600, then 2000 ms: each gap within ±25 % of its step; about 11 s in all.
        ulong[] steps = { 50, 100, 200, 400, 800, 1600, 2000, 2000, 2000 };
        for (int i = 1; i < results.Count; i++)
            Assert.InRange<ulong>(results[i] - results[i - 1], steps[i - 1] * 75 / 100, steps[i - 1] * 125 / 100 + 1);
    }

    private static ClientHarness NewHarness(ulong seed, DeliveryMode mode = DeliveryMode.Broadcast)
    {
        var h = new ClientHarness(30_000, seed);
        ScriptedDonor donor = h.AddGenuineDonor(DonorA);
        donor.Mode = mode;
        h.AddClient(ClientHarness.DefaultConfig(0));
        return h;
    }

    private static MessageType TypeOf(ReadOnlySpan<byte> datagram) =>
        MessageFrame.TryReadStructure(datagram, out MessageFrame frame) == WireStatus.Ok ? frame.Type : 0;

    private static DatagramDropRule DropFirst(MessageType type, int count = 1)
    {
        int dropped = 0;
        return datagram =>
        {
            if (dropped >= count || TypeOf(datagram) != type) return false;
            dropped++;
            return true;
        };
    }

    private readonly record struct Discovery(ulong FirstRequestAt, ulong SecondRequestAt, ulong OfferAt, ulong ChosenAt);

    private static Discovery RunUntilChosen(ClientHarness h)
    {
        ulong first = ulong.MaxValue, second = ulong.MaxValue, offerAt = ulong.MaxValue;
        uint requests = 0;
        ulong end = h.Now + Minute;
        while (h.Now < end)
        {
            ulong now = h.Now;
            h.Step();
            ClientSession client = h.Client(0);
            if (client.RequestsSent != requests)
            {
                requests = client.RequestsSent;
                if (first == ulong.MaxValue) first = now;
                else if (second == ulong.MaxValue) second = now;
            }
            if (offerAt == ulong.MaxValue && (h.EventsSeen(0) & ClientEvents.OfferReceived) != 0) offerAt = now;
            if ((h.EventsSeen(0) & ClientEvents.DonorChosen) != 0)
                return new Discovery(first, second == ulong.MaxValue ? first : second, offerAt, now);
        }
        throw new Xunit.Sdk.XunitException("no donor chosen within a minute");
    }
}
