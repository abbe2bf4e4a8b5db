using System;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Client;
using UefiRecovery.Core.Protocol.Wire;
using Xunit;

namespace UefiRecovery.Core.Tests.Protocol.Client;

/// <summary>
/// The client engine against a scripted donor on a simulated segment with a stepped clock
/// (docs/protocol.md §6, §7). Simulated time only: nothing here depends on the machine's speed.
/// </summary>
public class ClientSessionTransferTests
{
    private const ulong DonorA = 0xD0000000000000A1;
    private const ulong DonorB = 0xD0000000000000B2;
    private const ulong Minute = 60_000;

    private static bool Saw(ClientHarness h, ClientEvents events)
    {
        return (h.EventsSeen(0) & events) == events;
    }

    private static void AssertGenuineFinished(ClientHarness h, int client)
    {
        ClientSession c = h.Client(client);
        Assert.Equal(ClientState.Finished, c.State);
        Assert.True(c.ResultAcknowledged);
        Assert.True(c.VerifiedImage.SequenceEqual(h.Genuine));
        Assert.Equal(1, h.Verifier(client).Calls - h.Verifier(client).Rejections);
    }

    [Fact]
    public void Poll_LosslessTransfer_OnePassVerifiedAndReported()
    {
        ClientHarness h = new ClientHarness(100_000, seed: 1);
        ScriptedDonor donor = h.AddGenuineDonor(DonorA);
        h.AddClient(ClientHarness.DefaultConfig(0));

        Assert.True(h.RunUntilAllFinished(Minute));

        AssertGenuineFinished(h, 0);
        Assert.Equal(1u, donor.PassesStarted);
        Assert.Equal(donor.Geometry.FragmentCount, donor.DataSent);
        Assert.Equal(70u, donor.Geometry.FragmentCount);
        Assert.Equal(0u, h.Client(0).DuplicateFragments);
        Assert.Equal(0u, h.Client(0).CorruptedFragments);
        Assert.Equal(ResultOutcome.Success, donor.LastResultOutcome);
        ClientEvents seen = h.EventsSeen(0);
        Assert.Equal(ClientEvents.DonorChosen | ClientEvents.Joined | ClientEvents.ImageVerified | ClientEvents.ResultAcknowledged,
            seen & (ClientEvents.DonorChosen | ClientEvents.Joined | ClientEvents.ImageVerified | ClientEvents.ResultAcknowledged));
        Assert.Equal(ClientEvents.None, seen & (ClientEvents.ImageRejected | ClientEvents.SessionLost | ClientEvents.SessionAborted));
    }

    [Fact]
    public void Poll_ShuffledPassAndNetworkReordering_CompletesWithoutRepair()
    {
        ClientHarness h = new ClientHarness(100_000, seed: 2);
        ScriptedDonor donor = h.AddGenuineDonor(DonorA);
        donor.ShuffleFirstPass = true;
        h.Network.Downlink.ReorderPerMille = 300;
        h.AddClient(ClientHarness.DefaultConfig(0));

        Assert.True(h.RunUntilAllFinished(Minute));

        AssertGenuineFinished(h, 0);
        Assert.True(h.Network.Downlink.Reordered > 10);
        Assert.Equal(1u, donor.PassesStarted);
    }

    [Fact]
    public void Poll_DuplicatedDatagrams_IgnoredAndCounted()
    {
        ClientHarness h = new ClientHarness(100_000, seed: 3);
        ScriptedDonor donor = h.AddGenuineDonor(DonorA);
        donor.SendDuplicateData = true;
        h.Network.Downlink.DuplicatePerMille = 200;
        h.AddClient(ClientHarness.DefaultConfig(0));

        Assert.True(h.RunUntilAllFinished(Minute));

        AssertGenuineFinished(h, 0);
        Assert.Equal(1u, donor.PassesStarted);
        Assert.True(h.Client(0).DuplicateFragments >= donor.Geometry.FragmentCount - 1, "dups " + h.Client(0).DuplicateFragments);
    }

    [Fact]
    public void Poll_CorruptedFragments_CountedNackedAndRepaired()
    {
        ClientHarness h = new ClientHarness(200_000, seed: 4);
        ScriptedDonor donor = h.AddGenuineDonor(DonorA);
        h.Network.Downlink.CorruptPerMille = 50;
        h.AddClient(ClientHarness.DefaultConfig(0));

        Assert.True(h.RunUntilAllFinished(Minute));

        AssertGenuineFinished(h, 0);
        Assert.True(h.Network.Downlink.Corrupted > 0);
        Assert.True(h.Client(0).CorruptedFragments > 0);
        Assert.True(h.Client(0).ChecksumFailures >= h.Client(0).CorruptedFragments);
        Assert.True(donor.CorruptedReported > 0, "STATUS carries the corrupted count");
        Assert.True(donor.PassesStarted > 1, "corrupted fragments were repaired by a later pass");
    }

    [Fact]
    public void Poll_FivePercentLossBothWaysFiveClients_AllCompleteFromOneSharedSession()
    {
        ClientHarness h = new ClientHarness(200_000, seed: 5);
        ScriptedDonor donor = h.AddGenuineDonor(DonorA);
        donor.GatherMs = 1000; // §7.3 default: lets a client whose first REQUEST was lost still share pass 0
        h.Network.Downlink.LossPerMille = 50;
        h.Network.Uplink.LossPerMille = 50;
        for (int i = 0; i < 5; i++)
        {
            h.AddClient(ClientHarness.DefaultConfig(i));
        }

        Assert.True(h.RunUntilAllFinished(5 * Minute));

        for (int i = 0; i < 5; i++)
        {
            AssertGenuineFinished(h, i);
        }
        uint count = donor.Geometry.FragmentCount;
        Assert.True(donor.PassesStarted > 1);
        Assert.True(donor.NackedFragments > 0);
        // Five separate unicast transfers would cost ≥ 5 × count; one session costs the first pass plus the union.
        Assert.True(donor.DataSent < 2 * count, "DATA sent " + donor.DataSent + " for " + count + " fragments");
        Assert.Equal(5, donor.MemberCount);
    }

    [Fact]
    public void Poll_DonorRestartsWithNewSession_ClientKeepsFragmentsAndResumes()
    {
        ClientHarness h = new ClientHarness(200_000, seed: 6);
        ScriptedDonor donor = h.AddGenuineDonor(DonorA);
        donor.FragmentsPerTick = 1;
        h.AddClient(ClientHarness.DefaultConfig(0));
        ClientSession client = h.Client(0);
        uint count = donor.Geometry.FragmentCount;

        Assert.True(h.RunUntil(() => client.FragmentsHeld >= count / 2, Minute));
        uint heldAtRestart = client.FragmentsHeld;
        uint dataBefore = donor.DataSent;
        donor.Restart(0x5E55FFFF);

        Assert.True(h.RunUntilAllFinished(2 * Minute));

        AssertGenuineFinished(h, 0);
        Assert.True(Saw(h, ClientEvents.SessionAborted));
        Assert.Equal(h.GenuineId, donor.LastRequestHeldImageId);
        Assert.True(donor.LastAcceptFragmentsHeld >= heldAtRestart);
        Assert.Equal(0x5E55FFFFu, client.ChosenOffer.SessionId);
        // Only the gap was sent after the restart.
        Assert.True(donor.DataSent - dataBefore <= count - heldAtRestart + 2,
            "after restart " + (donor.DataSent - dataBefore) + ", gap " + (count - heldAtRestart));
    }

    [Fact]
    public void Poll_DonorSilentLongerThanSessionLost_RediscoversAndResumes()
    {
        ClientHarness h = new ClientHarness(200_000, seed: 7);
        ScriptedDonor donor = h.AddGenuineDonor(DonorA);
        donor.FragmentsPerTick = 1;
        h.AddClient(ClientHarness.DefaultConfig(0));
        ClientSession client = h.Client(0);

        Assert.True(h.RunUntil(() => client.FragmentsHeld >= 40, Minute));
        donor.Online = false;
        h.Step(); // datagrams already on the wire still arrive
        uint held = client.FragmentsHeld;
        Assert.True(h.RunUntil(() => Saw(h, ClientEvents.SessionLost), Minute));
        Assert.Equal(ClientState.Discovering, client.State);
        Assert.Equal(held, client.FragmentsHeld);
        donor.Restart(0x5E55AAAA);
        donor.Online = true;

        Assert.True(h.RunUntilAllFinished(2 * Minute));

        AssertGenuineFinished(h, 0);
        Assert.True(donor.LastAcceptFragmentsHeld >= held);
    }

    [Fact]
    public void Poll_RogueDonorImageRejected_ExcludedAndRecoveredFromGenuineDonor()
    {
        ClientHarness h = new ClientHarness(100_000, seed: 8);
        byte[] forged = (byte[])h.Genuine.Clone();
        forged[12345] ^= 0x01;
        // The rogue advertises a higher version so the policy picks it first.
        ScriptedDonor rogue = h.AddDonor(DonorA, forged, 0xBAD0000000000001, 0x00020000);
        ScriptedDonor genuine = h.AddGenuineDonor(DonorB);
        h.AddClient(ClientHarness.DefaultConfig(0));
        ClientSession client = h.Client(0);

        Assert.True(h.RunUntilAllFinished(2 * Minute));

        AssertGenuineFinished(h, 0);
        Assert.Equal(1, h.Verifier(0).Rejections);
        Assert.Equal(1u, client.ImagesRejected);
        Assert.Equal(1, client.ExcludedDonorCount);
        Assert.Equal(DonorB, client.ChosenOffer.DonorId);
        Assert.Equal(1u, rogue.ResultsReceived);
        Assert.Equal(ResultOutcome.Failure, rogue.LastResultOutcome);
        Assert.Equal(ResultReason.SignatureInvalid, rogue.LastResultReason);
        Assert.Equal(ResultOutcome.Success, genuine.LastResultOutcome);
        Assert.Equal(RequestReason.RetryAfterRejection, genuine.LastRequestReason);
        Assert.True(Saw(h, ClientEvents.ImageRejected));
    }

    [Fact]
    public void Poll_MulticastOffer_JoinsGroupAndCompletes()
    {
        ClientHarness h = new ClientHarness(50_000, seed: 9);
        ScriptedDonor donor = h.AddGenuineDonor(DonorA);
        donor.Mode = DeliveryMode.Multicast;
        donor.DeliveryAddress = 0xEFC00001; // 239.192.0.1
        h.AddClient(ClientHarness.DefaultConfig(0));

        Assert.True(h.RunUntilAllFinished(Minute));

        AssertGenuineFinished(h, 0);
        Assert.Equal(0xEFC00001u, h.Transport(0).JoinedGroup);
    }

    [Fact]
    public void Poll_UnicastOnlyClient_RefusesBroadcastOfferAndUsesUnicastDonor()
    {
        ClientHarness h = new ClientHarness(50_000, seed: 10);
        ScriptedDonor broadcaster = h.AddGenuineDonor(DonorA);
        ScriptedDonor unicaster = h.AddGenuineDonor(DonorB);
        unicaster.Mode = DeliveryMode.Unicast;
        unicaster.DeliveryAddress = ClientHarness.ClientBaseAddress;
        ClientConfig config = ClientHarness.DefaultConfig(0);
        config.DeliveryModes = DeliveryModes.Unicast;
        config.DiscoverByBroadcast = true;
        h.AddClient(config);

        Assert.True(h.RunUntilAllFinished(Minute));

        AssertGenuineFinished(h, 0);
        Assert.Equal(0u, broadcaster.AcceptsReceived);
        Assert.Equal(DonorB, h.Client(0).ChosenOffer.DonorId);
    }

    [Fact]
    public void Poll_ManagerAddressOnly_RequestGoesToManagerNotBroadcast()
    {
        ClientHarness h = new ClientHarness(50_000, seed: 11);
        ScriptedDonor manager = h.AddGenuineDonor(DonorA);
        ClientConfig config = ClientHarness.DefaultConfig(0);
        config.DiscoverByBroadcast = false;
        config.ManagerEndpoint = new DatagramEndpoint(manager.Address, ProtocolConstants.DonorPort);
        h.AddClient(config);

        Assert.True(h.RunUntilAllFinished(Minute));

        AssertGenuineFinished(h, 0);
        Assert.True(manager.OffersSent >= 1);
    }

    [Fact]
    public void Poll_TwentyClients_StatusAnswersSpreadOverWindow()
    {
        ClientHarness h = new ClientHarness(30_000, seed: 12);
        h.AutoReportSuccess = false; // stay Verified, answering COMPLETE, so every answer of round 1 is seen
        ScriptedDonor donor = h.AddGenuineDonor(DonorA);
        donor.ResponseWindowMs = 400;
        donor.GatherMs = 1000;
        for (int i = 0; i < 20; i++)
        {
            h.AddClient(ClientHarness.DefaultConfig(i));
        }

        Assert.True(h.RunUntil(() => h.AllInState(ClientState.Verified) && donor.FirstRoundStatusCount == 20, Minute));

        ulong first = ulong.MaxValue;
        ulong last = 0;
        int distinct = 0;
        for (int i = 0; i < donor.FirstRoundStatusCount; i++)
        {
            ulong t = donor.FirstRoundStatusTimes[i];
            first = Math.Min(first, t);
            last = Math.Max(last, t);
            distinct += Array.IndexOf(donor.FirstRoundStatusTimes, t, 0, i) < 0 ? 1 : 0;
        }
        Assert.True(last - first >= 200, "answers spread over " + (last - first) + " ms");
        Assert.True(distinct >= 15, "distinct arrival times " + distinct);
        Assert.True(last - first < 400, "all within the window");
    }

    [Fact]
    public void Poll_RangesOnlyAndMoreMissingThanMaxRanges_SetsMoreAndStillCompletes()
    {
        ClientHarness h = new ClientHarness(200_000, seed: 13);
        ScriptedDonor donor = h.AddGenuineDonor(DonorA);
        donor.MaxRanges = 2;
        h.Network.Downlink.LossPerMille = 150;
        ClientConfig config = ClientHarness.DefaultConfig(0);
        config.UseBitmapStatus = false;
        h.AddClient(config);

        Assert.True(h.RunUntilAllFinished(5 * Minute));

        AssertGenuineFinished(h, 0);
        Assert.True(donor.MoreFlagsSeen > 0);
        Assert.Equal(0u, donor.BitmapStatusesSeen);
        Assert.True(donor.MaxStatusDatagram <= MessageHeader.Length + StatusMessage.FixedLength + 2 * NackRange.WireLength);
    }

    [Fact]
    public void Poll_ScatteredLossBeyondRangeLimit_SendsBitmapAndNeedsFewerRounds()
    {
        // Same loss pattern twice: ranges only (2 per STATUS) versus ranges-or-bitmap.
        uint RoundsWith(bool bitmap, out uint bitmapStatuses)
        {
            ClientHarness h = new ClientHarness(200_000, seed: 14);
            ScriptedDonor donor = h.AddGenuineDonor(DonorA);
            donor.MaxRanges = 2;
            h.Network.Downlink.LossPerMille = 150;
            ClientConfig config = ClientHarness.DefaultConfig(0);
            config.UseBitmapStatus = bitmap;
            h.AddClient(config);
            Assert.True(h.RunUntilAllFinished(5 * Minute));
            AssertGenuineFinished(h, 0);
            bitmapStatuses = donor.BitmapStatusesSeen;
            return donor.StatusRequestsSent;
        }

        uint roundsRanges = RoundsWith(false, out uint bitmapsWhenOff);
        uint roundsBitmap = RoundsWith(true, out uint bitmapsWhenOn);

        Assert.Equal(0u, bitmapsWhenOff);
        Assert.True(bitmapsWhenOn > 0);
        Assert.True(roundsBitmap < roundsRanges, "rounds with bitmap " + roundsBitmap + ", ranges only " + roundsRanges);
    }

    [Fact]
    public void Poll_ChosenDonorIgnoresAccept_FallsBackToNextOffer()
    {
        ClientHarness h = new ClientHarness(50_000, seed: 14);
        ScriptedDonor deaf = h.AddDonor(DonorA, h.Genuine, h.GenuineId, 0x00010009);
        deaf.IgnoreAccepts = true;
        ScriptedDonor good = h.AddGenuineDonor(DonorB);
        h.AddClient(ClientHarness.DefaultConfig(0));

        Assert.True(h.RunUntilAllFinished(Minute));

        AssertGenuineFinished(h, 0);
        Assert.True(Saw(h, ClientEvents.AcceptTimedOut));
        Assert.Equal(DonorB, h.Client(0).ChosenOffer.DonorId);
        Assert.True(good.AcceptsReceived > 0);
    }

    [Fact]
    public void Poll_NoDonor_RequestsBackOffAndWarn()
    {
        ClientHarness h = new ClientHarness(10_000, seed: 15);
        h.AddClient(ClientHarness.DefaultConfig(0));

        h.RunUntil(() => false, 40_000);

        ClientSession c = h.Client(0);
        Assert.Equal(ClientState.Discovering, c.State);
        Assert.True(Saw(h, ClientEvents.NoDonorYet));
        // Nominal send times 0, 1, 3, 7, 15, 23, 31, 39 s (doubling to the 8 s cap), each gap ±25 %.
        Assert.InRange(c.RequestsSent, 6u, 10u);
    }

    [Fact]
    public void Poll_IncompatibleOffers_NeverAccepted()
    {
        ClientHarness h = new ClientHarness(50_000, seed: 16);
        // Misconfigured donors that offer anyway: too old, wrong platform, too large for the buffer.
        ScriptedDonor tooOld = h.AddDonor(DonorA, h.Genuine, h.GenuineId, 0x00000005);
        ScriptedDonor wrongPlatform = h.AddDonor(0xD0000000000000C3, h.Genuine, h.GenuineId, 0x00090000, imageType: ClientHarness.OtherPlatform);
        ScriptedDonor tooLarge = h.AddDonor(0xD0000000000000C4, new byte[300 * 1024], 0x1A46E00000000001, 0x00090000);
        tooOld.OfferToEveryone = true;
        wrongPlatform.OfferToEveryone = true;
        tooLarge.OfferToEveryone = true;
        ScriptedDonor good = h.AddGenuineDonor(DonorB);
        h.AddClient(ClientHarness.DefaultConfig(0));

        Assert.True(h.RunUntilAllFinished(Minute));

        AssertGenuineFinished(h, 0);
        Assert.True(tooOld.OffersSent > 0 && wrongPlatform.OffersSent > 0 && tooLarge.OffersSent > 0);
        Assert.Equal(0u, tooOld.AcceptsReceived + wrongPlatform.AcceptsReceived + tooLarge.AcceptsReceived);
        Assert.True(good.AcceptsReceived > 0);
    }

    /// <summary>
    /// docs/protocol.md §4.6: a 16 MiB image at 5 % random loss, ranges only versus ranges-or-bitmap. An answer lists
    /// every missing fragment either way (a series of STATUS datagrams), so both take the same few rounds; the bitmap
    /// lists the scattered losses in fewer datagrams (one byte for up to 8 fragments, where a range takes 8 bytes).
    /// </summary>
    [Fact]
    public void Poll_SixteenMebibytesFivePercentLoss_BitmapCutsStatusDatagrams()
    {
        (uint Rounds, uint Datagrams) Run(bool bitmap)
        {
            ClientHarness h = new ClientHarness(16 * 1024 * 1024, seed: 17);
            ScriptedDonor donor = h.AddGenuineDonor(DonorA);
            donor.FragmentsPerTick = 64;
            h.Network.Downlink.LossPerMille = 50;
            ClientConfig config = ClientHarness.DefaultConfig(0);
            config.ImageCapacity = 16 * 1024 * 1024;
            config.UseBitmapStatus = bitmap;
            h.AddClient(config);
            Assert.True(h.RunUntilAllFinished(10 * Minute));
            AssertGenuineFinished(h, 0);
            Assert.Equal(11_716u, donor.Geometry.FragmentCount);
            return (donor.StatusRequestsSent, h.Client(0).StatusDatagramsSent);
        }

        (uint rangeRounds, uint rangeDatagrams) = Run(false);
        (uint bitmapRounds, uint bitmapDatagrams) = Run(true);

        // Seeded: about 585 isolated losses after pass 0: 5 datagrams of 128 ranges, or 2 bitmap windows.
        Assert.True(rangeRounds <= 5 && bitmapRounds <= 5, $"rounds: ranges-only {rangeRounds}, bitmap {bitmapRounds}");
        Assert.True(bitmapDatagrams < rangeDatagrams, $"STATUS datagrams: bitmap {bitmapDatagrams}, ranges-only {rangeDatagrams}");
    }

    [Fact]
    public void Poll_ClientJoinsAfterSessionFinished_DonorWakesAndServesIt()
    {
        ClientHarness h = new ClientHarness(100_000, seed: 18);
        ScriptedDonor donor = h.AddGenuineDonor(DonorA);
        h.AddClient(ClientHarness.DefaultConfig(0));
        Assert.True(h.RunUntilAllFinished(Minute));
        uint dataForFirst = donor.DataSent;

        h.AddClient(ClientHarness.DefaultConfig(1));
        Assert.True(h.RunUntilAllFinished(Minute));

        AssertGenuineFinished(h, 1);
        Assert.Equal(1u, donor.LateJoinerWakeups);
        Assert.Equal(donor.SessionId, h.Client(1).ChosenOffer.SessionId);
        Assert.Equal(2 * dataForFirst, donor.DataSent);
    }
}
