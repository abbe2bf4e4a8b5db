using System;
using System.Buffers.Binary;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Client;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Core.Tests.Protocol.Wire;
using Xunit;

namespace UefiRecovery.Core.Tests.Protocol.Client;

/// <summary>The client engine under a stream of damaged and crafted datagrams in the middle of a transfer.</summary>
public class ClientSessionHostileInputTests
{
    /// <summary>
    /// Line noise: tens of thousands of copies of the session's own traffic with 1–3 flipped bits (CRC left
    /// as it was) are injected while a transfer runs. Every one is rejected (CRC-32 detects all 1–3 bit
    /// errors at these lengths), so the transfer still completes with the genuine image.
    /// </summary>
    [Fact]
    public void Poll_NoisyCopiesOfSessionTraffic_RejectedByCrcAndTransferCompletes()
    {
        ClientHarness h = new ClientHarness(250_000, seed: 51);
        ScriptedDonor donor = h.AddGenuineDonor(0xD0000000000000A1);
        donor.FragmentsPerTick = 1;
        ClientConfig config = ClientHarness.DefaultConfig(0);
        config.MaxReceivesPerPoll = 512;
        h.AddClient(config);
        ClientSession client = h.Client(0);
        Assert.True(h.RunUntil(() => client.State == ClientState.Receiving, 60_000));

        Random random = new Random(52);
        byte[][] templates = SessionTemplates(client, donor, h.Genuine);
        int injected = 0;
        while (client.State != ClientState.Finished && h.Now < 600_000)
        {
            for (int k = 0; k < 200 && injected < 50_000; k++, injected++)
            {
                byte[] noisy = (byte[])templates[random.Next(templates.Length)].Clone();
                int flips = 1 + random.Next(3);
                for (int f = 0; f < flips; f++)
                {
                    noisy[random.Next(noisy.Length)] ^= (byte)(1 << random.Next(8));
                }
                h.Transport(0).Inbox.TryEnqueue(noisy, new DatagramEndpoint(donor.Address, ProtocolConstants.DonorPort));
            }
            h.Step();
        }

        Assert.Equal(ClientState.Finished, client.State);
        Assert.True(client.VerifiedImage.SequenceEqual(h.Genuine));
        Assert.Equal(0, h.Verifier(0).Rejections);
        uint rejected = client.ChecksumFailures + client.MalformedDropped;
        Assert.True(injected > 20_000, "injected " + injected);
        // Those injected in the last step may still be waiting when the client finished.
        Assert.InRange(rejected, (uint)injected - 200, (uint)injected);
        // Noisy copies of a DATA whose header survived are classified as corrupted fragments (§6.3).
        Assert.True(client.CorruptedFragments > 0);
    }

    /// <summary>
    /// Crafted input: 100,000 mutated datagrams with a valid CRC (an attacker on the segment). The
    /// engine must never throw or break its invariants; integrity is then the verifier's job (§6.7).
    /// </summary>
    [Fact]
    public void Poll_CraftedDatagramsWithValidCrc_NoThrowAndInvariantsHold()
    {
        ClientHarness h = new ClientHarness(100_000, seed: 53);
        ScriptedDonor donor = h.AddGenuineDonor(0xD0000000000000A1);
        donor.FragmentsPerTick = 1;
        h.AddClient(ClientHarness.DefaultConfig(0));
        ClientSession client = h.Client(0);
        Assert.True(h.RunUntil(() => client.State == ClientState.Receiving, 60_000));

        Random random = new Random(54);
        byte[][] templates = SessionTemplates(client, donor, h.Genuine);
        for (int step = 0; step < 5_000; step++)
        {
            for (int k = 0; k < 20; k++)
            {
                byte[] crafted = (byte[])templates[random.Next(templates.Length)].Clone();
                int position = MessageHeader.Length + random.Next(crafted.Length - MessageHeader.Length);
                crafted[position] = (byte)random.Next(256);
                if (random.Next(4) == 0)
                {
                    crafted[random.Next(MessageHeader.Length)] = (byte)random.Next(256);
                }
                MessageReemitter.FixCrc(crafted);
                h.Transport(0).Inbox.TryEnqueue(crafted, new DatagramEndpoint(donor.Address, ProtocolConstants.DonorPort));
            }
            h.Step();

            Assert.True(client.FragmentsHeld <= client.FragmentCount);
            Assert.True(client.State >= ClientState.Discovering && client.State <= ClientState.Finished);
        }
    }

    /// <summary>Valid datagrams of the client's current session, for mutation.</summary>
    private static byte[][] SessionTemplates(ClientSession client, ScriptedDonor donor, byte[] image)
    {
        OfferRecord chosen = client.ChosenOffer;
        MessageIds ids = new MessageIds(0x7777, chosen.SessionId, chosen.DonorId);
        byte[][] templates = new byte[6][];
        byte[] buffer = new byte[2048];
        int n;

        FragmentGeometry g = donor.Geometry;
        Assert.Equal(WireStatus.Ok, DataMessage.TryEmit(buffer, ids, 5, 0, image.AsSpan((int)g.OffsetOf(5), g.LengthOf(5)), out n));
        templates[0] = buffer.AsSpan(0, n).ToArray();
        Assert.Equal(WireStatus.Ok, new StatusRequestMessage(7, 100, 128, 0).TryEmit(buffer, ids, out n));
        templates[1] = buffer.AsSpan(0, n).ToArray();
        Assert.Equal(WireStatus.Ok, chosen.Offer.TryEmit(buffer, ids, out n));
        templates[2] = buffer.AsSpan(0, n).ToArray();
        Assert.Equal(WireStatus.Ok, new ResultAckMessage(1, chosen.Offer.Binding.MemberToken).TryEmit(buffer, ids, out n));
        templates[3] = buffer.AsSpan(0, n).ToArray();
        Assert.Equal(WireStatus.Ok, new AbortMessage(AbortReason.Unspecified, 0, default).TryEmit(buffer, new MessageIds(1, 0x1234, chosen.DonorId), out n));
        templates[4] = buffer.AsSpan(0, n).ToArray();
        Assert.Equal(WireStatus.Ok, StatusMessage.TryEmitComplete(buffer, ids, new StatusReport(1, 1, 0, 0, chosen.Offer.Binding.MemberToken), out n));
        templates[5] = buffer.AsSpan(0, n).ToArray();
        return templates;
    }
}
