using System;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Client;
using Xunit;

namespace UefiRecovery.Core.Tests.Protocol.Client;

/// <summary>
/// Several configured managers (docs/config.md <c>uefirecovery.manager</c>, repeated) and the early close of the
/// offer window when only they were asked (docs/protocol.md §6.1). Stepped simulated clock, 1 ms per step.
/// </summary>
public class ClientSessionManagerListTests
{
    private const ulong DonorA = 0xD0000000000000A1;
    private const ulong DonorB = 0xD0000000000000B2;
    private const uint SilentManager = 0x0A000063; // 10.0.0.99: no donor there, nothing answers
    private const ulong Minute = 60_000;

    /// <summary>Steps until DonorChosen; returns the clock of the first OFFER's poll and of the choice.</summary>
    private static (ulong RequestAt, ulong OfferAt, ulong ChosenAt) RunUntilChosen(ClientHarness h)
    {
        ulong requestAt = ulong.MaxValue, offerAt = 0;
        ulong end = h.Now + Minute;
        while (h.Now < end)
        {
            ulong now = h.Now;
            h.Step();
            ClientEvents seen = h.EventsSeen(0);
            if (requestAt == ulong.MaxValue && (seen & ClientEvents.RequestSent) != 0)
                requestAt = now;
            if (offerAt == 0 && (seen & ClientEvents.OfferReceived) != 0)
                offerAt = now;
            if ((seen & ClientEvents.DonorChosen) != 0)
                return (requestAt, offerAt, now);
        }
        throw new Xunit.Sdk.XunitException("no donor chosen within a minute");
    }

    private static DatagramEndpoint At(uint address) => new DatagramEndpoint(address, ProtocolConstants.DonorPort);

    [Fact]
    public void Poll_TwoManagersOneSilent_OtherOfferChosenAfterFullWindow()
    {
        ClientHarness h = new ClientHarness(30_000, seed: 31);
        ScriptedDonor manager = h.AddGenuineDonor(DonorA);
        ClientConfig config = ClientHarness.DefaultConfig(0);
        config.DiscoverByBroadcast = false;
        Assert.True(config.TryAddManager(At(SilentManager)));
        Assert.True(config.TryAddManager(At(manager.Address)));
        h.AddClient(config);

        (ulong requestAt, ulong offerAt, ulong chosenAt) = RunUntilChosen(h);

        // The silent manager might still answer: the whole window (T_offer from the first REQUEST) is waited.
        Assert.True(chosenAt - requestAt >= config.Timings.OfferWindowMs, "chosen " + (chosenAt - requestAt) + " ms after the first REQUEST");
        Assert.Equal(DonorA, h.Client(0).ChosenOffer.DonorId);
        Assert.True(h.RunUntilAllFinished(Minute));
        Assert.True(h.Client(0).VerifiedImage.SequenceEqual(h.Genuine));
    }

    [Fact]
    public void Poll_TwoManagers_EachRequestSentToBothAndNoBroadcast()
    {
        ClientHarness h = new ClientHarness(30_000, seed: 32);
        ClientConfig config = ClientHarness.DefaultConfig(0);
        config.DiscoverByBroadcast = false;
        config.TryAddManager(At(SilentManager));
        config.TryAddManager(At(SilentManager + 1));
        h.AddClient(config);

        h.Step();

        Assert.Equal(1u, h.Client(0).RequestsSent);
        Assert.Equal(2u, h.Transport(0).Sent);
    }

    [Fact]
    public void Poll_TwoManagersWithBroadcast_EachRequestSentThreeTimes()
    {
        ClientHarness h = new ClientHarness(30_000, seed: 33);
        ClientConfig config = ClientHarness.DefaultConfig(0);
        config.TryAddManager(At(SilentManager));
        config.TryAddManager(At(SilentManager + 1));
        h.AddClient(config);

        h.Step();

        Assert.Equal(1u, h.Client(0).RequestsSent);
        Assert.Equal(3u, h.Transport(0).Sent);
    }

    [Fact]
    public void Poll_DiscoveryManagerOneManager_ChosenOnTheOffersPoll()
    {
        ClientHarness h = new ClientHarness(30_000, seed: 34);
        ScriptedDonor manager = h.AddGenuineDonor(DonorA);
        ClientConfig config = ClientHarness.DefaultConfig(0);
        config.DiscoverByBroadcast = false;
        config.ManagerEndpoint = At(manager.Address);
        h.AddClient(config);

        (ulong requestAt, ulong offerAt, ulong chosenAt) = RunUntilChosen(h);

        Assert.Equal(offerAt, chosenAt);
        Assert.True(h.RunUntilAllFinished(Minute));
        Assert.True(h.Client(0).VerifiedImage.SequenceEqual(h.Genuine));
    }

    [Fact]
    public void Poll_BroadcastDiscoveryOneManager_WaitsFullWindow()
    {
        ClientHarness h = new ClientHarness(30_000, seed: 35);
        ScriptedDonor manager = h.AddGenuineDonor(DonorA);
        ClientConfig config = ClientHarness.DefaultConfig(0);
        config.DiscoverByBroadcast = true;
        config.ManagerEndpoint = At(manager.Address);
        h.AddClient(config);

        (ulong requestAt, ulong offerAt, ulong chosenAt) = RunUntilChosen(h);

        // Unknown donors may still answer the broadcast copy: T_offer from the first REQUEST.
        Assert.True(chosenAt - requestAt >= config.Timings.OfferWindowMs, "chosen " + (chosenAt - requestAt) + " ms after the first REQUEST");
        Assert.True(chosenAt - offerAt >= config.Timings.OfferLateWindowMs, "chosen " + (chosenAt - offerAt) + " ms after the offer");
    }

    [Theory]
    [InlineData(0x00010002u, 0x00010003u, DonorB)] // HighestVersion: the second-listed manager's newer image
    [InlineData(0x00010003u, 0x00010002u, DonorA)]
    public void Poll_DiscoveryManagerTwoManagersBothOffer_PolicyChoosesWithoutWaitingWindow(uint versionA, uint versionB, ulong expected)
    {
        ClientHarness h = new ClientHarness(30_000, seed: 36);
        ScriptedDonor a = h.AddDonor(DonorA, h.Genuine, h.GenuineId, versionA);
        ScriptedDonor b = h.AddDonor(DonorB, h.Genuine, h.GenuineId, versionB);
        ClientConfig config = ClientHarness.DefaultConfig(0);
        config.DiscoverByBroadcast = false;
        config.TryAddManager(At(a.Address));
        config.TryAddManager(At(b.Address));
        h.AddClient(config);

        (ulong requestAt, ulong offerAt, ulong chosenAt) = RunUntilChosen(h);

        Assert.True(chosenAt - offerAt < config.Timings.OfferWindowMs, "chosen " + (chosenAt - offerAt) + " ms after the first offer");
        Assert.Equal(expected, h.Client(0).ChosenOffer.DonorId);
        Assert.True(a.OffersSent > 0 && b.OffersSent > 0);
    }

    [Fact]
    public void TryAddManager_FifthDuplicateOrUnspecified_Refused()
    {
        ClientConfig config = new ClientConfig();
        Assert.False(config.TryAddManager(default));
        for (uint i = 0; i < ClientConfig.MaxManagers; i++)
            Assert.True(config.TryAddManager(At(SilentManager + i)));
        Assert.False(config.TryAddManager(At(SilentManager + 10)));
        Assert.Equal(ClientConfig.MaxManagers, config.ManagerCount);

        config.ManagerEndpoint = At(SilentManager);
        Assert.Equal(1, config.ManagerCount);
        Assert.False(config.TryAddManager(At(SilentManager)));
        Assert.Equal(SilentManager, config.GetManager(0).Address);
        Assert.Equal(0u, config.GetManager(1).Address);
    }
}
