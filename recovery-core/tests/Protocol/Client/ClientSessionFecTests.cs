using System;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Client;
using UefiRecovery.Core.Protocol.Wire;
using Xunit;

namespace UefiRecovery.Core.Tests.Protocol.Client;

/// <summary>
/// FEC (docs/protocol.md §5.5) in the client engine against the scripted donor on a stepped clock: BLOCK COUNTS,
/// decoding from PARITY, an old client in the same session, and forged parity.
/// </summary>
public class ClientSessionFecTests
{
    private const ulong DonorA = 0xD0000000000000A1;
    private const ulong Minute = 60_000;

    private static string Describe(ClientHarness h, ScriptedDonor donor, int clients)
    {
        string text = "donor: data " + donor.DataSent + " parity " + donor.ParitySent + " passes " + donor.PassesStarted
            + " block-count statuses " + donor.BlockCountStatusesSeen + " nacked " + donor.NackedFragments + " manifests " + donor.ManifestsSent;
        for (int i = 0; i < clients; i++)
        {
            ClientSession c = h.Client(i);
            text += "; client " + i + ": " + c.State + " held " + c.FragmentsHeld + "/" + c.FragmentCount + " tentative " + c.FragmentsTentative
                + " parity " + c.ParityReceived + " decoded " + c.FragmentsDecoded + " rejected " + c.DecodesRejected + " fec " + c.FecActive
                + " statuses " + c.StatusesSent;
        }
        return text;
    }

    private static void AssertGenuineFinished(ClientHarness h, int client)
    {
        ClientSession c = h.Client(client);
        Assert.Equal(ClientState.Finished, c.State);
        Assert.True(c.VerifiedImage.SequenceEqual(h.Genuine));
        Assert.Equal(0, h.Verifier(client).Rejections);
    }

    [Fact]
    public void Poll_FecDonorFivePercentLossFiveClients_RepairedByParityAloneNoDataResent()
    {
        ClientHarness h = new ClientHarness(250_000, seed: 21);
        ScriptedDonor donor = h.AddGenuineDonor(DonorA);
        donor.Fec = true;
        donor.GatherMs = 1000;
        h.Network.Downlink.LossPerMille = 50;
        h.Network.Uplink.LossPerMille = 50;
        for (int i = 0; i < 5; i++)
        {
            h.AddClient(ClientHarness.DefaultConfig(i));
        }

        Assert.True(h.RunUntilAllFinished(5 * Minute), Describe(h, donor, 5));

        uint decoded = 0;
        for (int i = 0; i < 5; i++)
        {
            AssertGenuineFinished(h, i);
            Assert.Equal(0u, h.Client(i).DecodesRejected);
            decoded += h.Client(i).FragmentsDecoded;
        }
        uint count = donor.Geometry.FragmentCount;
        Assert.True(decoded > 0, "fragments were restored from parity");
        Assert.True(donor.BlockCountStatusesSeen > 0);
        Assert.Equal(0u, donor.NackedFragments);
        // Every repair was parity: DATA went out once per fragment (pass 0), however many machines lost what.
        Assert.Equal(count, donor.DataSent);
        Assert.True(donor.ParitySent < count / 4, "parity sent " + donor.ParitySent + " for " + count + " fragments");
    }

    [Fact]
    public void Poll_OldClientBesideFecClient_OldOneNacksSourcesBothComplete()
    {
        ClientHarness h = new ClientHarness(250_000, seed: 22);
        ScriptedDonor donor = h.AddGenuineDonor(DonorA);
        donor.Fec = true;
        donor.GatherMs = 1000;
        h.Network.Downlink.LossPerMille = 80;
        ClientConfig old = ClientHarness.DefaultConfig(0);
        old.UseFec = false;
        h.AddClient(old);
        h.AddClient(ClientHarness.DefaultConfig(1));

        Assert.True(h.RunUntilAllFinished(5 * Minute), Describe(h, donor, 2));

        AssertGenuineFinished(h, 0);
        AssertGenuineFinished(h, 1);
        Assert.False(h.Client(0).FecActive);
        Assert.Equal(0u, h.Client(0).ParityReceived);
        Assert.Equal(0u, h.Client(0).FragmentsDecoded);
        Assert.True(h.Client(1).FecActive);
        Assert.True(donor.NackedFragments > 0, "the old client's NACKs were served");
        Assert.True(donor.BlockCountStatusesSeen > 0, "the new client reported block counts");
    }

    [Fact]
    public void Poll_ParityPoolSmallerThanTheLoss_StillRepairedByParity()
    {
        // More partly repaired blocks than slots: an earlier eviction policy let each block's parity push out the
        // next block's leftovers, and no block ever decoded again (seen at 5 % loss, 32 MiB, 20 machines).
        // 1 MB in 508-byte fragments: 33 blocks, at 20 % loss about 13 missing each, far more than 64 slots.
        ClientHarness h = new ClientHarness(1_000_000, seed: 26);
        ScriptedDonor donor = h.AddGenuineDonor(DonorA, fragmentSize: 508);
        donor.Fec = true;
        donor.GatherMs = 1000;
        h.Network.Downlink.LossPerMille = 200;
        for (int i = 0; i < 3; i++)
        {
            ClientConfig config = ClientHarness.DefaultConfig(i);
            config.ImageCapacity = 1024 * 1024;
            config.FecParitySlots = 64; // the least a client allows: one whole block
            h.AddClient(config);
        }

        Assert.True(h.RunUntilAllFinished(5 * Minute), Describe(h, donor, 3));

        for (int i = 0; i < 3; i++)
        {
            AssertGenuineFinished(h, i);
            Assert.True(h.Client(i).FragmentsDecoded > 0);
        }
        Assert.Equal(donor.Geometry.FragmentCount, donor.DataSent);
    }

    [Fact]
    public void Poll_FecOfferButNoFlag_ClientReportsNacksAsBefore()
    {
        ClientHarness h = new ClientHarness(200_000, seed: 23);
        ScriptedDonor donor = h.AddGenuineDonor(DonorA);
        h.Network.Downlink.LossPerMille = 80;
        h.AddClient(ClientHarness.DefaultConfig(0));

        Assert.True(h.RunUntilAllFinished(5 * Minute));

        AssertGenuineFinished(h, 0);
        Assert.False(h.Client(0).FecActive);
        Assert.Equal(0u, donor.BlockCountStatusesSeen);
        Assert.Equal(0u, donor.ParitySent);
    }

    [Fact]
    public void Poll_ForgedParityBeforeTheDonors_DecodeRejectedByManifestNothingStoredClientFallsBackToNacks()
    {
        ClientHarness h = new ClientHarness(250_000, seed: 24);
        ScriptedDonor donor = h.AddGenuineDonor(DonorA);
        donor.Fec = true;
        var attacker = new LanAttacker(h.Network, seed: 24);
        h.Network.Downlink.LossPerMille = 100;
        h.AddClient(ClientHarness.DefaultConfig(0));
        // Pass 0 ends with a STATUS_REQUEST; the attacker answers the loss first, with parity of its own for every
        // block and every index the donor would use first.
        Assert.True(h.RunUntil(() => donor.StatusRequestsSent >= 1, Minute));
        h.Network.Downlink.LossPerMille = 0;
        h.Step();
        h.Step();
        h.Step(); // the pass's last DATA is in
        ClientSession client = h.Client(0);
        uint heldBefore = client.FragmentsHeld;
        uint missingBefore = client.FragmentCount - heldBefore;
        Assert.True(missingBefore > 0);
        uint blocks = (client.FragmentCount + 63) / 64;
        for (uint block = 0; block < blocks; block++)
        {
            for (int index = 0; index < 16; index++)
            {
                attacker.ForgeParity(donor, block, index);
            }
        }
        h.Step();
        h.Step();

        Assert.True(client.DecodesRejected > 0, Describe(h, donor, 1));
        Assert.Equal(0u, client.FragmentsDecoded);
        Assert.Equal(heldBefore, client.FragmentsHeld);
        Assert.False(client.FecActive, "parity is not trusted for this image any more");

        Assert.True(h.RunUntilAllFinished(5 * Minute));

        AssertGenuineFinished(h, 0);
        Assert.True(donor.NackedFragments >= missingBefore, "the rest came as DATA, NACKed like an old client");
        Assert.True(client.ForgedFragments > 0);
    }

    [Fact]
    public void Poll_ForgedParityForOtherBlocksAndIndices_IgnoredOrRejectedImageStillGenuine()
    {
        // Junk parity throughout the transfer (a spraying attacker): the image that comes out is still the genuine one.
        ClientHarness h = new ClientHarness(250_000, seed: 25);
        ScriptedDonor donor = h.AddGenuineDonor(DonorA);
        donor.Fec = true;
        var attacker = new LanAttacker(h.Network, seed: 25);
        h.Network.Downlink.LossPerMille = 50;
        h.AddClient(ClientHarness.DefaultConfig(0));
        uint sprayed = 0;

        bool finished = h.RunUntil(() =>
        {
            if (h.Now % 7 == 0 && donor.Geometry.FragmentCount > 0)
            {
                attacker.ForgeParity(donor, sprayed % 4, (int)(sprayed % 128));
                sprayed++;
            }
            return h.AllInState(ClientState.Finished);
        }, 5 * Minute);

        Assert.True(finished, Describe(h, donor, 1));
        AssertGenuineFinished(h, 0);
        Assert.True(sprayed > 0);
    }
}
