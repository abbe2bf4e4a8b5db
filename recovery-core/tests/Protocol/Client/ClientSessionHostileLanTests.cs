using System;
using System.Security.Cryptography;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Client;
using UefiRecovery.Core.Protocol.Wire;
using Xunit;

namespace UefiRecovery.Core.Tests.Protocol.Client;

/// <summary>
/// The attacks of the hostile-LAN issue, replayed against the real client engine on a stepped clock with a
/// scripted honest donor and an attacker that forges well-formed datagrams (docs/protocol.md §9). Each of
/// these stopped or hijacked a recovery under protocol version 1.
/// </summary>
public class ClientSessionHostileLanTests
{
    private const ulong Honest = 0xD0000000000000A1;
    private const ulong Rogue = 0xE0000000000000E1;

    private static byte[] Tampered(byte[] genuine)
    {
        byte[] copy = (byte[])genuine.Clone();
        copy[copy.Length / 2] ^= 0x40;
        return copy;
    }

    [Fact]
    public void ForgedDataAheadOfEveryFragment_RecognisedOnArrival_HonestDonorKeptAndImageGenuine()
    {
        ClientHarness h = new ClientHarness(200_000, seed: 3);
        ScriptedDonor donor = h.AddGenuineDonor(Honest);
        donor.FragmentsPerTick = 2;
        h.AddClient(ClientHarness.DefaultConfig(0));
        var attacker = new LanAttacker(h.Network, 7);

        // As soon as the session runs, forge a copy of every fragment before the donor's pass reaches it.
        Assert.True(h.RunUntil(() => h.Client(0).State == ClientState.Receiving, 10_000));
        for (uint i = 0; i < donor.Geometry.FragmentCount; i++)
        {
            attacker.ForgeData(donor, i);
        }
        Assert.True(h.RunUntilAllFinished(120_000));

        ClientSession client = h.Client(0);
        Assert.True(client.VerifiedImage.IsEmpty || client.State == ClientState.Finished);
        Assert.Equal(0, h.Verifier(0).Rejections);
        Assert.Equal(0u, client.ImagesRejected);
        Assert.Equal(0, client.ExcludedDonorCount);
        Assert.True(client.ForgedFragments > 0, "the forged copies were counted");
        Assert.Equal(1u, donor.AcceptsReceived > 0 ? 1u : 0u);
    }

    [Fact]
    public void ForgedDataThroughoutTheTransfer_NeverDisplacesAGoodFragment()
    {
        ClientHarness h = new ClientHarness(200_000, seed: 4);
        ScriptedDonor donor = h.AddGenuineDonor(Honest);
        donor.FragmentsPerTick = 1;
        h.AddClient(ClientHarness.DefaultConfig(0));
        var attacker = new LanAttacker(h.Network, 8);

        uint next = 0;
        bool done = h.RunUntil(() =>
        {
            if (h.Client(0).State == ClientState.Receiving)
            {
                attacker.ForgeData(donor, next % donor.Geometry.FragmentCount);
                attacker.ForgeManifest(donor, next % donor.Geometry.FragmentCount);
                next += 3;
            }
            return h.Client(0).State == ClientState.Finished;
        }, 120_000);

        Assert.True(done);
        Assert.Equal(0, h.Verifier(0).Rejections);
        Assert.True(h.Client(0).ForgedFragments > 0);
        Assert.True(attacker.Sent > 100);
    }

    [Fact]
    public void IdRotatingRogueWithHighVersion_RejectedOnce_ThenHonestDonorRecovers()
    {
        ClientHarness h = new ClientHarness(60_000, seed: 5);
        // Finding 2: a rogue with a tampered image that announces the highest version and takes a new
        // donor id for every OFFER (under version 1 it was rejected 688 times and never let go).
        // It also changes its bytes (so its manifest root) every time, and its offers arrive first:
        // only its address gives it away once version claims stop counting.
        ScriptedDonor rogue = h.AddDonor(Rogue, Tampered(h.Genuine), 0xBADBAD, 0xFFFFFFFF);
        rogue.RotateIdOnEveryOffer = true;
        rogue.RotateImageOnEveryOffer = true;
        h.AddGenuineDonor(Honest);
        h.AddClient(ClientHarness.DefaultConfig(0));

        Assert.True(h.RunUntilAllFinished(10 * 60_000));

        Assert.Equal(Honest, h.Client(0).ChosenOffer.DonorId);
        Assert.Equal(1, h.Verifier(0).Rejections);
        Assert.True(rogue.OffersSent > 1, "the rogue kept offering");
        Assert.Equal(1u, rogue.AcceptsReceived);
    }

    [Fact]
    public void StatusRequestOnlyRogue_LeftAfterTLost_ThenHonestDonorRecovers()
    {
        ClientHarness h = new ClientHarness(60_000, seed: 6);
        h.AddGenuineDonor(Honest);
        // Finding 2: a rogue that answers with an attractive OFFER and then only keeps the session "alive".
        ScriptedDonor rogue = h.AddDonor(Rogue, h.Genuine, h.GenuineId, 0x00010009);
        rogue.StatusRequestsOnly = true;
        h.AddClient(ClientHarness.DefaultConfig(0));

        Assert.True(h.RunUntilAllFinished(5 * 60_000));

        ClientSession client = h.Client(0);
        Assert.Equal(Honest, client.ChosenOffer.DonorId);
        Assert.Equal(1u, client.SessionsStalled);
        Assert.True(rogue.StatusRequestsSent >= 1, "the rogue did talk");
        Assert.Equal(0, h.Verifier(0).Rejections);
    }

    [Fact]
    public void OfferAnnouncingAVersionTheCapsuleDoesNotCarry_Rejected_ThenTheTruthfulOfferWins()
    {
        ClientHarness h = new ClientHarness(60_000, seed: 7);
        // Finding 5: the genuine image offered as a newer version than it is. Same bytes, same root.
        h.AddDonor(Rogue, h.Genuine, h.GenuineId, 0x00010009);
        h.AddGenuineDonor(Honest);
        h.AddClient(ClientHarness.DefaultConfig(0));

        Assert.True(h.RunUntilAllFinished(5 * 60_000));

        ClientSession client = h.Client(0);
        Assert.Equal(Honest, client.ChosenOffer.DonorId);
        Assert.Equal(1u, client.ImagesRejected);
        Assert.Equal(0, h.Verifier(0).Rejections); // the capsule itself was fine; the claim was not
        Assert.Equal(ClientHarness.GenuineVersion, client.LastVerdict.ImageVersion);
    }

    [Fact]
    public void ForgedStatusRequestStorm_ClientStillAnswersAndRecoversUnderLoss()
    {
        ClientHarness h = new ClientHarness(200_000, seed: 8);
        ScriptedDonor donor = h.AddGenuineDonor(Honest);
        donor.FragmentsPerTick = 1;
        h.StepMs = 2;
        h.Network.Downlink.LossPerMille = 50;
        h.AddClient(ClientHarness.DefaultConfig(0));
        var attacker = new LanAttacker(h.Network, 9);

        uint round = 1000;
        bool done = h.RunUntil(() =>
        {
            if (h.Client(0).State == ClientState.Receiving && h.Now % 10 == 0)
            {
                attacker.ForgeStatusRequest(donor, round++);
            }
            return h.Client(0).State == ClientState.Finished;
        }, 120_000);

        Assert.True(done, "held " + h.Client(0).FragmentsHeld + " of " + h.Client(0).FragmentCount);
        Assert.True(donor.NackedFragments > 0, "the loss needed repairs, so the client answered the real polls");
        Assert.True(attacker.Sent > 20);
    }

    [Fact]
    public void SignedOffersRequired_UnsignedAndOtherKeyRoguesIgnored_SignedManagerWins()
    {
        using RSA manager = RSA.Create(2048);
        using RSA other = RSA.Create(2048);
        ClientHarness h = new ClientHarness(60_000, seed: 9);
        ScriptedDonor honest = h.AddGenuineDonor(Honest);
        honest.SigningKey = manager;
        ScriptedDonor unsigned = h.AddDonor(Rogue, Tampered(h.Genuine), 0xBAD1, 0xFFFFFFFF);
        ScriptedDonor wrongKey = h.AddDonor(Rogue + 1, Tampered(h.Genuine), 0xBAD2, 0xFFFFFFFF);
        wrongKey.SigningKey = other;
        ClientConfig config = ClientHarness.DefaultConfig(0);
        Assert.True(config.TryAddTrustedManagerKey(SHA256.HashData(manager.ExportParameters(false).Modulus!)));
        h.AddClient(config);

        Assert.True(h.RunUntilAllFinished(60_000));

        ClientSession client = h.Client(0);
        Assert.Equal(Honest, client.ChosenOffer.DonorId);
        Assert.Equal(0, h.Verifier(0).Rejections);
        Assert.Equal(0u, unsigned.AcceptsReceived);
        Assert.Equal(0u, wrongKey.AcceptsReceived);
        Assert.True(client.OffersUnauthenticated >= 2);
        Assert.True(client.SignatureChecks >= 1);
    }

    [Fact]
    public void SignedOffersRequired_SmallMaxDatagram_RefusedAtSetup()
    {
        ClientConfig config = ClientHarness.DefaultConfig(0);
        config.MaxDatagram = 600;
        Assert.True(config.TryAddTrustedManagerKey(new byte[32]));

        ClientSetupStatus status = ClientSession.TryCreate(config, new TestClientTransport(1), new ExpectedImageVerifier(new byte[1], 1), out _);

        Assert.Equal(ClientSetupStatus.DatagramTooSmallForSignedOffers, status);
    }

    [Fact]
    public void ManifestLost_GroupKeptTentatively_FirstFragmentHeldBackAndRepairedWithTheManifest()
    {
        ClientHarness h = new ClientHarness(200_000, seed: 10);
        ScriptedDonor donor = h.AddGenuineDonor(Honest);
        donor.SendManifests = false;
        h.AddClient(ClientHarness.DefaultConfig(0));

        // Without MANIFESTs nothing can be verified: fragments stay tentative, each group's first is held back.
        Assert.True(h.RunUntil(() => donor.PassesStarted >= 1 && h.Client(0).FragmentsTentative > 0 && donor.StatusesReceived > 0, 30_000));
        Assert.Equal(0u, h.Client(0).FragmentsHeld);
        donor.SendManifests = true;

        Assert.True(h.RunUntilAllFinished(120_000));
        Assert.Equal(0u, h.Client(0).FragmentsTentative);
        Assert.Equal(0, h.Verifier(0).Rejections);
    }
}
