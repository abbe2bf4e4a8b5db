using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Client;
using UefiRecovery.Core.Protocol.Manifest;
using UefiRecovery.Core.Protocol.Wire;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.Core.Tests.Protocol.Client;

/// <summary>
/// Red-team attacks on protocol version 2 (issue #10, docs/protocol.md §9), each against the real client engine
/// with an honest scripted donor and a <see cref="SniffingAttacker"/> that sees only broadcast traffic and cannot
/// sign. Every test asserts what §9 promises (the machine recovers from its honest manager, within a bound);
/// each FAILS on branch proto and its message gives the measured effect. Filter: Category=RedTeam.
/// </summary>
[Trait("Category", "RedTeam")]
public class ClientSessionRedTeamTests
{
    private const ulong Honest = 0xD0000000000000A1;
    private readonly ITestOutputHelper _output;

    public ClientSessionRedTeamTests(ITestOutputHelper output)
    {
        _output = output;
    }

    private static DatagramEndpoint DonorEndpoint(ScriptedDonor donor) => new DatagramEndpoint(donor.Address, ProtocolConstants.DonorPort);

    /// <summary>An OFFER that copies what the honest donor would say except what the attacker picks.</summary>
    private static OfferMessage OfferLike(ScriptedDonor donor, uint inReplyTo, uint version, ulong token, Hash128 root, Hash128 commitment) =>
        new OfferMessage(inReplyTo, donor.ImageId, donor.ImageType, version, version, donor.Geometry, DeliveryMode.Broadcast,
            SimulatedNetwork.SubnetBroadcast, ProtocolConstants.ClientPort, 0, new OfferBinding(token, root, donor.GroupShift, commitment));

    private static ClientConfig WithManager(ScriptedDonor donor)
    {
        ClientConfig config = ClientHarness.DefaultConfig(0);
        config.ManagerEndpoint = DonorEndpoint(donor);
        return config;
    }

    private static bool Run(ClientHarness h, SniffingAttacker attacker, ulong limitMs) =>
        h.RunUntil(() =>
        {
            attacker.Tick(h.Now);
            return h.Client(0).State == ClientState.Finished;
        }, limitMs);

    private string Describe(ClientHarness h, ScriptedDonor honest, SniffingAttacker attacker)
    {
        ClientSession c = h.Client(0);
        string text = "state=" + c.State + " held=" + c.FragmentsHeld + "/" + c.FragmentCount + " requests=" + c.RequestsSent
            + " stalled=" + c.SessionsStalled + " rejected=" + c.ImagesRejected + " excluded=" + c.ExcludedDonorCount
            + " unauthenticated-offers=" + c.OffersUnauthenticated + " rsa-checks=" + c.SignatureChecks
            + " | honest: offers=" + honest.OffersSent + " accepts=" + honest.AcceptsReceived + " wrong-token-accepts=" + honest.AcceptsWithWrongToken
            + " data=" + honest.DataSent + " | attacker sent=" + attacker.Sent + " saw-requests=" + attacker.RequestsSeen;
        _output.WriteLine(text);
        return text;
    }

    // ---- F1: an OFFER naming the honest donor's id replaces the honest offer (DonorSelector keys by donor id) ----

    [Fact]
    public void ForgedOfferWithHonestDonorId_EveryDiscovery_HonestManagerStillRecoversTheMachine()
    {
        ClientHarness h = new ClientHarness(60_000, seed: 31);
        h.StepMs = 2;
        ScriptedDonor honest = h.AddGenuineDonor(Honest);
        h.AddClient(WithManager(honest));
        var attacker = new SniffingAttacker(h.Network, 1);
        // One datagram per REQUEST, just after the honest OFFER: same donor id, same source (spoofed), a
        // made-up token. The client keeps only the newest offer per donor id, so the honest one is gone; its
        // ACCEPT carries a token the manager never gave and is dropped; after N_acc it rediscovers. Forever.
        attacker.OnRequest = (bytes, seen, now) => attacker.At(now, t => attacker.SendOffer(seen,
            new MessageIds(attacker.NextMessageId(), 0x0BAD0001, Honest),
            OfferLike(honest, seen.MessageId, ClientHarness.GenuineVersion, attacker.RandomToken(), honest.ManifestRoot, attacker.RandomHash()),
            DonorEndpoint(honest)));

        bool finished = Run(h, attacker, 10 * 60_000);

        Assert.True(finished, "10 simulated minutes, not recovered: " + Describe(h, honest, attacker));
    }

    // ---- F1 with trust.manager: a genuinely signed OFFER, asked for by the attacker in the victim's name ----

    [Fact]
    public void SignedOffersRequired_ManagersOwnOfferRelayedFromTheAttackersMembership_MachineStillRecovers()
    {
        using RSA key = RSA.Create(2048);
        ClientHarness h = new ClientHarness(60_000, seed: 32);
        h.StepMs = 2;
        ScriptedDonor honest = h.AddGenuineDonor(Honest);
        honest.SigningKey = key;
        ClientConfig config = WithManager(honest);
        Assert.True(config.TryAddTrustedManagerKey(SHA256.HashData(key.ExportParameters(false).Modulus!)));
        h.AddClient(config);
        var attacker = new SniffingAttacker(h.Network, 2);
        // The attacker copies the victim's broadcast REQUEST (its message id and MAC) and sends it to the manager
        // from its own address. The manager signs an OFFER for that requester id and in-reply-to, with the token
        // of the attacker's address; the attacker forwards it to the victim. The signature does not cover the
        // address the offer was made for, so the victim takes it in place of its own.
        attacker.OnRequest = (bytes, seen, now) => attacker.At(now, t =>
        {
            attacker.DrainOwn();
            honest.Deliver(bytes, new DatagramEndpoint(SniffingAttacker.OwnAddress, ProtocolConstants.ClientPort), t);
            byte[]? offer = attacker.TakeOwnOffer();
            if (offer != null)
            {
                attacker.SendAs(offer, DonorEndpoint(honest), new DatagramEndpoint(seen.Source.Address, ProtocolConstants.ClientPort));
            }
        });

        bool finished = Run(h, attacker, 10 * 60_000);

        Assert.True(finished, "10 simulated minutes, not recovered: " + Describe(h, honest, attacker));
    }

    // ---- F9: the 8 RSA checks a second are spent by junk before the manager's offer arrives ----

    [Fact]
    public void SignedOffersRequired_EightBadlySignedOffersPerRequest_ManagersOfferStillChecked()
    {
        using RSA key = RSA.Create(2048);
        byte[] modulus = key.ExportParameters(false).Modulus!;
        ClientHarness h = new ClientHarness(60_000, seed: 33);
        h.StepMs = 2;
        ScriptedDonor honest = h.AddGenuineDonor(Honest);
        honest.SigningKey = key;
        // Broadcast discovery only, so the attacker's reaction to the REQUEST reaches the client before the
        // simulated donor's (which answers in zero time). On a real LAN the attacker wins the race with a
        // configured manager too: its datagrams are prebuilt, the manager first computes an RSA signature.
        ClientConfig config = ClientHarness.DefaultConfig(0);
        Assert.True(config.TryAddTrustedManagerKey(SHA256.HashData(modulus)));
        h.AddClient(config);
        var attacker = new SniffingAttacker(h.Network, 3);
        // Eight datagrams per broadcast REQUEST, sent at once (nothing to compute, while the manager signs):
        // acceptable offers carrying the manager's public modulus and a junk signature.
        ulong rogueId = 0xE000000000000000;
        attacker.OnRequest = (bytes, seen, now) =>
        {
            for (int i = 0; i < 8; i++)
            {
                attacker.SendBadlySignedOffer(seen, new MessageIds(attacker.NextMessageId(), 0x0BAD0100 + (uint)i, rogueId++),
                    OfferLike(honest, seen.MessageId, ClientHarness.GenuineVersion, attacker.RandomToken(), attacker.RandomHash(), attacker.RandomHash()),
                    modulus, new DatagramEndpoint(0x0A000090 + (uint)i, ProtocolConstants.DonorPort));
            }
        };

        bool finished = Run(h, attacker, 10 * 60_000);

        Assert.True(finished, "10 simulated minutes, not recovered: " + Describe(h, honest, attacker));
    }

    // ---- F2: a stall is not a disproven claim, so HighestVersion keeps ranking a rogue first ----

    [Fact]
    public void StallingRogueWithHighVersion_FreshIdAndAddressEveryDiscovery_HonestManagerStillRecovers()
    {
        ClientHarness h = new ClientHarness(60_000, seed: 34);
        h.StepMs = 2;
        ScriptedDonor honest = h.AddGenuineDonor(Honest);
        h.AddClient(WithManager(honest));
        var attacker = new SniffingAttacker(h.Network, 4);
        uint n = 0;
        // Per discovery: one OFFER announcing version 0xFFFFFFFF from a new id and a new (spoofed, silent)
        // address, then a STATUS_REQUEST of that session every 2 s so the ACCEPT counts as confirmed. No DATA:
        // after T_lost the client excludes that id and address for 60 s and asks again; ImagesRejected stays 0,
        // so version claims still rank first.
        attacker.OnRequest = (bytes, seen, now) =>
        {
            n++;
            ulong id = 0xE100000000000000 + n;
            uint session = 0x5EAD0000 + n;
            var source = new DatagramEndpoint(0x0A000100 + n, ProtocolConstants.DonorPort);
            attacker.SendOffer(seen, new MessageIds(attacker.NextMessageId(), session, id),
                OfferLike(honest, seen.MessageId, 0xFFFFFFFF, attacker.RandomToken(), honest.ManifestRoot, attacker.RandomHash()), source);
            for (ulong t = 900; t < 40_000; t += 2000)
            {
                attacker.At(now + t, _ => attacker.SendStatusRequest(session, id, 1, 20, source));
            }
        };

        bool finished = Run(h, attacker, 10 * 60_000);

        Assert.True(finished, "10 simulated minutes, not recovered: " + Describe(h, honest, attacker));
    }

    // ---- F6: one rejected junk image in the honest donor's name excludes the honest donor for T_exclude ----

    [Fact]
    public void JunkImageInTheHonestDonorsName_Once_HonestManagerNotExcludedForTenMinutes()
    {
        ClientHarness h = new ClientHarness(60_000, seed: 35);
        h.StepMs = 2;
        ScriptedDonor honest = h.AddGenuineDonor(Honest);
        h.AddClient(WithManager(honest));
        var attacker = new SniffingAttacker(h.Network, 5);
        byte[] junk = new byte[2000];
        new Random(5).NextBytes(junk);
        const ulong junkId = 0x0BADBADBADBAD001;
        FragmentGeometry.TryCreate((uint)junk.Length, 1432, 2, out FragmentGeometry geometry);
        ManifestTree tree = ManifestTree.Build(junk, geometry, junkId, 0, new PortableManifestHash());
        const uint junkSession = 0x0BAD0600;
        uint attackedDiscovery = 0;
        ulong attackedAt = 0;
        // Only the first discovery: an OFFER of the junk image from the honest donor's id and (spoofed) address,
        // just after each honest one (so it replaces it, F1), and the junk's MANIFEST and DATA as that session
        // while the client waits for its ACCEPT to be confirmed. The capsule fails verification; the client
        // excludes the donor id and address of the offer — the honest manager's — for 10 minutes.
        attacker.OnRequest = (bytes, seen, now) =>
        {
            if (attackedDiscovery != 0 && seen.MessageId != attackedDiscovery)
            {
                return;
            }
            var offer = new OfferMessage(seen.MessageId, junkId, honest.ImageType, 0xFFFFFFFF, 0, geometry, DeliveryMode.Broadcast,
                SimulatedNetwork.SubnetBroadcast, ProtocolConstants.ClientPort, 0,
                new OfferBinding(attacker.RandomToken(), tree.Root, 0, attacker.RandomHash()));
            attacker.At(now, _ => attacker.SendOffer(seen, new MessageIds(attacker.NextMessageId(), junkSession, Honest), offer, DonorEndpoint(honest)));
            if (attackedDiscovery != 0)
            {
                return; // a retransmission of the same discovery: the image is already scheduled
            }
            attackedDiscovery = seen.MessageId;
            attackedAt = now;
            for (ulong t = 800; t < 4000; t += 200)
            {
                attacker.At(now + t, _ => attacker.SendWholeImage(junk, geometry, tree, junkSession, Honest, junkId, DonorEndpoint(honest)));
            }
        };

        bool finished = Run(h, attacker, 15 * 60_000);

        ClientSession client = h.Client(0);
        string what = "recovered=" + finished + " after " + (h.Now - attackedAt) / 1000 + " s; " + Describe(h, honest, attacker);
        Assert.Equal(1, h.Verifier(0).Rejections);
        Assert.True(finished && h.Now - attackedAt < 120_000, "one junk image cost: " + what);
    }

    // ---- F3: a forged STATUS_REQUEST changes the round the client's answer carries ----

    [Fact]
    public void ForgedStaleRoundAfterTheDonorsRequest_AnswerStillCarriesTheDonorsRound()
    {
        ClientHarness h = new ClientHarness(200_000, seed: 36);
        ScriptedDonor honest = h.AddGenuineDonor(Honest);
        honest.FragmentsPerTick = 1;
        h.AddClient(ClientHarness.DefaultConfig(0));
        var attacker = new SniffingAttacker(h.Network, 6);
        var rounds = new List<uint>();
        attacker.TestObserver = (bytes, from, to, now) =>
        {
            if (MessageFrame.TryParse(bytes, out MessageFrame f) == WireStatus.Ok && f.Type == MessageType.Status
                && StatusMessage.TryParse(f, out StatusMessage s) == WireStatus.Ok && s.Round >= 5)
            {
                rounds.Add(s.Round);
            }
        };
        Assert.True(h.RunUntil(() => h.Client(0).State == ClientState.Receiving && h.Client(0).FragmentsHeld > 10, 20_000));
        honest.Online = false; // from here on only the two requests below reach the client

        // The donor asks for round 7 (window 2 s). Round 7 is what it counts as answered, and round ≤ the last
        // repair pass's round is what it treats as a stale answer (§7.2 rules 5, 6). The attacker, who sees the
        // broadcast request, repeats it at once with round 5 (a round the donor has closed).
        var donor = DonorEndpoint(honest);
        attacker.SendStatusRequest(honest.SessionId, Honest, 7, 2000, donor);
        attacker.SendStatusRequest(honest.SessionId, Honest, 5, 2000, donor);
        h.RunUntil(() => rounds.Count > 0, 5000);

        Assert.NotEmpty(rounds);
        Assert.True(rounds[0] == 7, "the answer to the donor's round 7 carried round " + rounds[0]);
    }

    // ---- F10: a keyless ABORT(unknown session), spoofed from the donor's address, ends a session that paused ----

    [Fact]
    public void SpoofedKeylessAbortDuringAPauseOfThreeSeconds_SessionNotEnded()
    {
        ClientHarness h = new ClientHarness(200_000, seed: 37);
        ScriptedDonor honest = h.AddGenuineDonor(Honest);
        honest.FragmentsPerTick = 1;
        h.AddClient(ClientHarness.DefaultConfig(0));
        var attacker = new SniffingAttacker(h.Network, 7);
        Assert.True(h.RunUntil(() => h.Client(0).State == ClientState.Receiving && h.Client(0).FragmentsHeld > 10, 20_000));
        // A pause without progress, as in a few status rounds with a silent member (W = 2 s each with 200 members):
        // the donor says nothing for 3.5 s. The attacker knows session id and donor id from the broadcast DATA.
        honest.Online = false;
        h.RunUntil(() => false, 3500);
        var abort = new AbortMessage(AbortReason.UnknownSession, 0, default);
        byte[] buffer = new byte[128];
        Assert.Equal(WireStatus.Ok, abort.TryEmit(buffer, new MessageIds(attacker.NextMessageId(), honest.SessionId, Honest), out int n));
        attacker.SendAs(buffer.AsSpan(0, n), DonorEndpoint(honest), new DatagramEndpoint(ClientHarness.ClientBaseAddress, ProtocolConstants.ClientPort));
        h.Step();

        Assert.True(h.Client(0).State == ClientState.Receiving, "one spoofed keyless ABORT took the client to " + h.Client(0).State
            + " (events " + h.EventsSeen(0) + ")");
    }

    // ---- F11: every member answers every forged STATUS_REQUEST: a reflector towards the manager ----

    [Fact]
    public void ForgedStatusRequestsWithZeroWindow_TenMembers_StatusesToTheDonorStayBounded()
    {
        ClientHarness h = new ClientHarness(200_000, seed: 38);
        ScriptedDonor honest = h.AddGenuineDonor(Honest);
        honest.FragmentsPerTick = 1;
        for (int i = 0; i < 10; i++)
        {
            h.AddClient(ClientHarness.DefaultConfig(i));
        }
        var attacker = new SniffingAttacker(h.Network, 8);
        int statuses = 0;
        attacker.TestObserver = (bytes, from, to, now) =>
        {
            if (MessageFrame.TryParse(bytes, out MessageFrame f) == WireStatus.Ok && f.Type == MessageType.Status)
            {
                statuses++;
            }
        };
        Assert.True(h.RunUntil(() => h.Client(9).State == ClientState.Receiving && h.Client(9).FragmentsHeld > 20, 20_000));
        honest.Online = false; // only the attacker talks from here on; the members stay incomplete
        // Ten seconds, one forged STATUS_REQUEST (48 bytes, broadcast, window 0, a new round each) every 10 ms.
        int before = statuses;
        uint round = 100;
        ulong end = h.Now + 10_000;
        h.RunUntil(() =>
        {
            if (h.Now % 10 == 0)
            {
                attacker.SendStatusRequest(honest.SessionId, Honest, round++, 0, DonorEndpoint(honest));
            }
            return h.Now >= end;
        }, 20_000);
        int caused = statuses - before;

        _output.WriteLine(attacker.Sent + " forged requests, " + caused + " STATUS sent to the donor");
        // Without the attacker (a silent donor) each member sends an unsolicited STATUS after T_quiet, 3 s then 6 s.
        Assert.True(caused < 10 * 20, attacker.Sent + " forged broadcast requests made 10 members send " + caused + " STATUS to the donor");
    }
}
