using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Tasks;
using UefiRecovery.Core.Crypto;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Manifest;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;
using static UefiRecovery.Manager.Tests.Serving.NamespaceTestHelpers;

namespace UefiRecovery.Manager.Tests.Serving;

/// <summary>
/// The manager on a hostile LAN (issue #10; docs/protocol.md §7.2, §7.4, §9): the real manager process, a real
/// simulated machine, and an attacker that knows the victim's MAC and session id but not its member token.
/// An attacker's forged source address is played by a socket bound to another loopback address: the manager
/// sees exactly what a spoofed datagram would show it.
/// </summary>
public sealed class HostileLanTests
{
    private const ulong VictimMac = 0x020000000001;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static async Task<(ManagerProcess Manager, string Capsule, string Results)> StartUnicastAsync(TempFolder folder, int imageBytes, double rate, params string[] extra)
    {
        string images = Directory.CreateDirectory(folder.Combine("images")).FullName;
        string capsule = await ManagerCli.PackCapsuleAsync(images, "fw.cap", imageBytes, seed: 41, SharedFiles.TrustedPrivateKey);
        string results = folder.Combine("results.jsonl");
        var args = new List<string>
        {
            "--images", images, "--listen", "127.0.0.1:0", "--delivery", "unicast", "--trusted", SharedFiles.TrustedPublicKey,
            "--results", results, "--status-http", "127.0.0.1:0", "--gather", "0.2",
            "--rate", rate.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        args.AddRange(extra);
        return (await ManagerProcess.StartAsync(args), capsule, results);
    }

    private static string[] Victim(ManagerProcess manager, TempFolder folder, string name) => new[]
    {
        "--clients", "1", "--manager", manager.UdpEndPoint.ToString(), "--bind", "127.0.0.1", "--client-port", "0",
        "--trusted", SharedFiles.TrustedPublicKey, "--timeout", "180", "--mac-base", VictimMac.ToString("x12", System.Globalization.CultureInfo.InvariantCulture),
        "--out", folder.Combine(name),
    };

    private static async Task<ulong> ImageIdAsync(ManagerProcess manager)
    {
        using JsonDocument status = await manager.GetStatusAsync();
        return Convert.ToUInt64(status.RootElement.GetProperty("images")[0].GetProperty("sha256").GetString()![..16], 16);
    }

    private static async Task<JsonElement> TrafficAsync(ManagerProcess manager)
    {
        using JsonDocument status = await manager.GetStatusAsync();
        return status.RootElement.GetProperty("traffic").Clone();
    }

    private static long Reason(JsonElement traffic, string name) =>
        traffic.GetProperty("rejectReasons").TryGetProperty(name, out JsonElement n) ? n.GetInt64() : 0;

    private static ulong RandomToken() => (ulong)Random.Shared.NextInt64(1, long.MaxValue);

    [Fact]
    public async Task Result_ForgedWithVictimMacFromAnotherAddress_NotRecordedAndVictimsRealResultIs()
    {
        using var folder = new TempFolder();
        var (started, capsule, results) = await StartUnicastAsync(folder, 1 << 20, rate: 4);
        await using var manager = started;
        var victim = ManagerCli.SimulateAsync(Victim(manager, folder, "out"), folder.Combine("r.json"));
        JsonElement live = await WaitForSessionAsync(manager, s => s.GetProperty("state").GetString() == "Sending", Patience);
        uint session = live.GetProperty("sessionId").GetUInt32();
        ulong imageId = await ImageIdAsync(manager);

        // The attacker knows the MAC and the session id (v1 recorded the first RESULT from anyone), not the token.
        using var attacker = new WireProbe("127.0.0.2");
        for (int i = 0; i < 10; i++)
        {
            attacker.SendResult(manager.UdpEndPoint, VictimMac, session, imageId, RandomToken(), ResultOutcome.Success, ResultReason.None);
            attacker.SendResult(manager.UdpEndPoint, VictimMac, session, imageId, RandomToken(), ResultOutcome.Failure, ResultReason.FlashWriteFailed);
            attacker.SendResult(manager.UdpEndPoint, VictimMac, 0x12345678, imageId, RandomToken(), ResultOutcome.Failure, ResultReason.FlashWriteFailed);
        }
        var (run, report) = await victim;

        Assert.True(run.ExitCode == 0, run.Stderr + "\n--- manager ---\n" + manager.Output);
        AssertByteExact(capsule, Clients(report)[0]);
        var record = Assert.Single(ReadResults(results));
        Assert.Equal("success", record.Outcome);
        Assert.Equal("02:00:00:00:00:01", record.ClientId);
        Assert.StartsWith("127.0.0.1:", record.Client, StringComparison.Ordinal);
        Assert.True(record.Authenticated);
        Assert.Matches("^[0-9a-f]{8}$", record.Member!);
        Assert.DoesNotContain(attacker.All, d => d.Type == MessageType.ResultAck);
        JsonElement traffic = await TrafficAsync(manager);
        Assert.True(Reason(traffic, "RESULT:bad-token") >= 1, traffic.ToString());
        Assert.Contains("wrong member token", manager.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unicast_TakeoverWithVictimMacFromAnotherAddress_VictimKeepsItsStreamAndCompletes()
    {
        using var folder = new TempFolder();
        var (started, capsule, _) = await StartUnicastAsync(folder, 1 << 20, rate: 4);
        await using var manager = started;
        var victim = ManagerCli.SimulateAsync(Victim(manager, folder, "out"), folder.Combine("r.json"));
        JsonElement live = await WaitForSessionAsync(manager, s => s.GetProperty("state").GetString() == "Sending", Patience);
        uint session = live.GetProperty("sessionId").GetUInt32();
        string victimAddress = live.GetProperty("clients")[0].GetProperty("address").GetString()!;
        uint fragments = live.GetProperty("fragmentCount").GetUInt32();
        ulong imageId = await ImageIdAsync(manager);

        // v1: a REQUEST with the victim's MAC returned the victim's session, and an ACCEPT or STATUS with that
        // MAC moved its delivery address to the attacker.
        using var attacker = new WireProbe("127.0.0.2");
        uint request = attacker.SendRequest(manager.UdpEndPoint, VictimMac);
        var offer = await attacker.WaitForOfferAsync(request, Patience);
        Assert.NotNull(offer);
        Assert.NotEqual(session, offer!.Value.Datagram.SessionId); // another address: another member, its own session
        attacker.SendAccept(manager.UdpEndPoint, VictimMac, session, offer.Value.Datagram.MessageId, imageId, RandomToken());
        attacker.SendNack(manager.UdpEndPoint, VictimMac, session, 0, RandomToken(), 0, new NackRange(0, fragments));
        attacker.SendAccept(manager.UdpEndPoint, VictimMac, session, offer.Value.Datagram.MessageId, imageId, offer.Value.Offer.Binding.MemberToken);
        // Its own membership is real (it saw its own OFFER): it joins its own session, shown beside the victim.
        attacker.SendAccept(manager.UdpEndPoint, VictimMac, offer.Value.Datagram.SessionId, offer.Value.Datagram.MessageId, imageId, offer.Value.Offer.Binding.MemberToken);
        JsonElement attackerSession = await WaitForSessionAsync(manager, s => s.GetProperty("sessionId").GetUInt32() == offer.Value.Datagram.SessionId, Patience);

        bool moved = false;
        var watch = Task.Run(async () =>
        {
            while (!victim.IsCompleted)
            {
                foreach (var s in await SessionsAsync(manager))
                    if (s.GetProperty("sessionId").GetUInt32() == session)
                        foreach (var c in s.GetProperty("clients").EnumerateArray())
                            if (c.GetProperty("address").GetString() != victimAddress) moved = true;
                await Task.Delay(100);
            }
        });
        var (run, report) = await victim;
        await watch;

        Assert.True(run.ExitCode == 0, run.Stderr + "\n--- manager ---\n" + manager.Output);
        AssertByteExact(capsule, Clients(report)[0]);
        Assert.False(moved, "the victim's delivery address moved");
        Assert.DoesNotContain(attacker.All, d => d.SessionId == session && d.Type is MessageType.Data or MessageType.Manifest or MessageType.StatusRequest);
        // The status is a snapshot published every 250 ms: the victim can exit before the one showing its RESULT.
        JsonElement victimSession = await WaitForSessionAsync(manager, s => s.GetProperty("sessionId").GetUInt32() == session
            && s.GetProperty("clients").EnumerateArray().All(c => c.GetProperty("state").GetString() == "Reported"), TimeSpan.FromSeconds(10));
        JsonElement member = Assert.Single(victimSession.GetProperty("clients").EnumerateArray());
        Assert.Equal(victimAddress, member.GetProperty("address").GetString());
        Assert.Equal("Reported", member.GetProperty("state").GetString());
        Assert.Equal("done", member.GetProperty("phase").GetString());
        Assert.True(member.GetProperty("heldKnown").GetBoolean());
        JsonElement traffic = await TrafficAsync(manager);
        Assert.True(Reason(traffic, "ACCEPT:bad-token") >= 2 && Reason(traffic, "STATUS:bad-token") >= 1, traffic.ToString());
        Assert.Contains("two members with MAC 02:00:00:00:00:01", manager.Output, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", attackerSession.GetProperty("clients")[0].GetProperty("sameMacAt").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Request_SpoofedSourceThirdParty_NoDataReachesItWithoutTheToken()
    {
        using var folder = new TempFolder();
        var (started, _, _) = await StartUnicastAsync(folder, 1 << 20, rate: 20);
        await using var manager = started;
        ulong imageId = await ImageIdAsync(manager);
        // The third party's address is on the REQUEST (forged); it gets the OFFER, the attacker does not. The
        // attacker's best guess at the token, even with the right session id, starts nothing.
        using var third = new WireProbe("127.0.0.3");
        const ulong forgedMac = 0x020000000777;
        uint request = third.SendRequest(manager.UdpEndPoint, forgedMac);
        var offer = await third.WaitForOfferAsync(request, Patience);
        Assert.NotNull(offer);
        uint session = offer!.Value.Datagram.SessionId;
        ulong token = offer.Value.Offer.Binding.MemberToken;
        third.SendAccept(manager.UdpEndPoint, forgedMac, session, offer.Value.Datagram.MessageId, imageId, token ^ 0x5A5A5A5A);
        third.SendAccept(manager.UdpEndPoint, forgedMac, session, offer.Value.Datagram.MessageId, imageId, RandomToken());

        Assert.Null(await third.WaitForAsync(d => d.Type is MessageType.Data or MessageType.Manifest or MessageType.StatusRequest, TimeSpan.FromSeconds(3)));
        Assert.Empty(await SessionsAsync(manager));
        Assert.True(Reason(await TrafficAsync(manager), "ACCEPT:bad-token") >= 2);

        // Control: the same address with the token it was given does get the stream, so the silence above was the token's doing.
        third.SendAccept(manager.UdpEndPoint, forgedMac, session, offer.Value.Datagram.MessageId, imageId, token);
        Assert.NotNull(await third.WaitForAsync(d => d.Type == MessageType.Data && d.SessionId == session, Patience));
    }

    [Fact]
    public async Task Result_UnknownSessionAfterRestartWithSameSecretFile_RecordedAndAcknowledged()
    {
        using var folder = new TempFolder();
        var (first, _, results) = await StartUnicastAsync(folder, 64 << 10, rate: 20);
        ulong imageId;
        (OfferMessage Offer, WireProbe.Received Datagram)? offer;
        using var machine = new WireProbe("127.0.0.5");
        const ulong mac = 0x020000000555;
        await using (first)
        {
            imageId = await ImageIdAsync(first);
            uint request = machine.SendRequest(first.UdpEndPoint, mac);
            offer = await machine.WaitForOfferAsync(request, Patience);
            Assert.NotNull(offer);
            first.Kill(); // no goodbye: the offer, and any session, are forgotten
        }
        Assert.True(File.Exists(folder.Combine("uefirecovery-member.secret")), "the secret lives beside the results log");
        uint session = offer!.Value.Datagram.SessionId;
        ulong token = offer.Value.Offer.Binding.MemberToken;

        string images = folder.Combine("images");
        await using var second = await ManagerProcess.StartAsync(new[]
        {
            "--images", images, "--listen", "127.0.0.1:0", "--delivery", "unicast", "--trusted", SharedFiles.TrustedPublicKey,
            "--results", results, "--status-http", "127.0.0.1:0",
        });
        // A forged RESULT for the same forgotten session: dropped, never acknowledged.
        uint forged = machine.SendResult(second.UdpEndPoint, mac, session, imageId, token ^ 1, ResultOutcome.Failure, ResultReason.FlashWriteFailed);
        uint real = machine.SendResult(second.UdpEndPoint, mac, session, imageId, token, ResultOutcome.Success, ResultReason.None);
        var ack = await machine.WaitForAsync(d => d.Type == MessageType.ResultAck, Patience);
        Assert.NotNull(ack);
        Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(ack!.Bytes, out MessageFrame ackFrame));
        Assert.Equal(WireStatus.Ok, ResultAckMessage.TryParse(ackFrame, out ResultAckMessage parsedAck));
        Assert.Equal(real, parsedAck.InReplyTo);
        Assert.Equal(token, parsedAck.MemberToken);
        Assert.DoesNotContain(machine.All, d => d.Type == MessageType.ResultAck && d != ack);

        var record = Assert.Single(ReadResults(results));
        Assert.Equal("success", record.Outcome);
        Assert.Equal(session, record.SessionId);
        Assert.Equal("fw.cap", record.Image);
        Assert.True(record.Authenticated);
        Assert.Contains("session unknown", record.Detail, StringComparison.Ordinal);
        _ = forged;

        // A STATUS of that forgotten membership gets ABORT(unknown session) with the key the first OFFER committed to.
        machine.SendComplete(second.UdpEndPoint, mac, session, 0, token, 0);
        var abort = await machine.WaitForAsync(d => d.Type == MessageType.Abort, Patience);
        Assert.NotNull(abort);
        Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(abort!.Bytes, out MessageFrame abortFrame));
        Assert.Equal(WireStatus.Ok, AbortMessage.TryParse(abortFrame, out AbortMessage parsedAbort));
        Assert.Equal(AbortReason.UnknownSession, parsedAbort.Reason);
        var key = new byte[16];
        parsedAbort.AbortKey.Write(key);
        Assert.Equal(offer.Value.Offer.Binding.AbortCommitment, Hash128.Read(SHA256.HashData(key)));
    }

    [Fact]
    public async Task Result_UnknownSessionAfterRestartWithAnotherSecret_NotRecorded()
    {
        using var folder = new TempFolder();
        var (first, _, results) = await StartUnicastAsync(folder, 64 << 10, rate: 20);
        ulong imageId;
        (OfferMessage Offer, WireProbe.Received Datagram)? offer;
        using var machine = new WireProbe("127.0.0.5");
        const ulong mac = 0x020000000555;
        await using (first)
        {
            imageId = await ImageIdAsync(first);
            offer = await machine.WaitForOfferAsync(machine.SendRequest(first.UdpEndPoint, mac), Patience);
            Assert.NotNull(offer);
            first.Kill();
        }
        await using var second = await ManagerProcess.StartAsync(new[]
        {
            "--images", folder.Combine("images"), "--listen", "127.0.0.1:0", "--delivery", "unicast", "--trusted", SharedFiles.TrustedPublicKey,
            "--results", results, "--secret-file", folder.Combine("other.secret"), "--status-http", "127.0.0.1:0",
        });
        machine.SendResult(second.UdpEndPoint, mac, offer!.Value.Datagram.SessionId, imageId, offer.Value.Offer.Binding.MemberToken, ResultOutcome.Success, ResultReason.None);
        Assert.Null(await machine.WaitForAsync(d => d.Type == MessageType.ResultAck, TimeSpan.FromSeconds(2)));
        Assert.Empty(ReadResults(results));
        Assert.Equal(1, Reason(await TrafficAsync(second), "RESULT:bad-token"));
    }

    /// <summary>Four machines at one address REQUEST and ACCEPT: four live unicast sessions there, each token-proven.</summary>
    private static async Task<List<(ulong Mac, uint Session)>> FourLiveUnicastSessionsAsync(ManagerProcess manager, WireProbe crowd, ulong macBase)
    {
        var live = new List<(ulong, uint)>();
        for (ulong mac = macBase + 1; mac <= macBase + 4; mac++)
        {
            var offer = await crowd.WaitForOfferAsync(crowd.SendRequest(manager.UdpEndPoint, mac), Patience);
            Assert.NotNull(offer);
            var (o, d) = offer!.Value;
            crowd.SendAccept(manager.UdpEndPoint, mac, d.SessionId, d.MessageId, o.ImageId, o.Binding.MemberToken);
            live.Add((mac, d.SessionId));
        }
        foreach (var (_, session) in live) await WaitForSessionAsync(manager, s => s.GetProperty("sessionId").GetUInt32() == session, Patience);
        return live;
    }

    [Fact]
    public async Task Request_FifthUnicastMachineAtAnAddressWithFourLiveSessions_SilentAndCounted()
    {
        using var folder = new TempFolder();
        var (started, _, _) = await StartUnicastAsync(folder, 64 << 10, rate: 1);
        await using var manager = started;
        using var crowd = new WireProbe("127.0.0.6");
        var live = await FourLiveUnicastSessionsAsync(manager, crowd, 0x020000000900);
        uint fifth = crowd.SendRequest(manager.UdpEndPoint, 0x020000000905);
        Assert.Null(await crowd.WaitForOfferAsync(fifth, TimeSpan.FromSeconds(2)));
        Assert.Equal(1, Reason(await TrafficAsync(manager), "REQUEST:unicast-per-address-limit"));

        // A machine with a live session still gets its session again; another address is not affected.
        var repeated = await crowd.WaitForOfferAsync(crowd.SendRequest(manager.UdpEndPoint, live[0].Mac), Patience);
        Assert.NotNull(repeated);
        Assert.Equal(live[0].Session, repeated!.Value.Datagram.SessionId);
        using var neighbour = new WireProbe("127.0.0.7");
        Assert.NotNull(await neighbour.WaitForOfferAsync(neighbour.SendRequest(manager.UdpEndPoint, 0x020000000999), Patience));
    }

    [Fact]
    public async Task Accept_FifthOfferAtAnAddressAcceptedAfterFourWentLive_SessionFullAndCounted()
    {
        // Pending offers do not count toward the four per address (a spoofed REQUEST makes them, §7.2 rule 11): a
        // fifth machine is offered, and refused only when it accepts while four sessions at its address are live.
        using var folder = new TempFolder();
        var (started, _, _) = await StartUnicastAsync(folder, 64 << 10, rate: 1);
        await using var manager = started;
        using var crowd = new WireProbe("127.0.0.8");
        const ulong late = 0x020000000A05;
        var fifth = await crowd.WaitForOfferAsync(crowd.SendRequest(manager.UdpEndPoint, late), Patience);
        Assert.NotNull(fifth);
        await FourLiveUnicastSessionsAsync(manager, crowd, 0x020000000A00);
        var (o, d) = fifth!.Value;
        crowd.SendAccept(manager.UdpEndPoint, late, d.SessionId, d.MessageId, o.ImageId, o.Binding.MemberToken);
        var abort = await crowd.WaitForAsync(x => x.Type == MessageType.Abort && x.SessionId == d.SessionId, Patience);
        Assert.NotNull(abort);
        Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(abort!.Bytes, out MessageFrame frame));
        Assert.Equal(WireStatus.Ok, AbortMessage.TryParse(frame, out AbortMessage parsed));
        Assert.Equal(AbortReason.SessionFull, parsed.Reason);
        // The status is a snapshot published every 250 ms.
        long refused = 0;
        for (DateTime end = DateTime.UtcNow + TimeSpan.FromSeconds(10); refused == 0 && DateTime.UtcNow < end; await Task.Delay(100))
            refused = Reason(await TrafficAsync(manager), "ACCEPT:unicast-per-address-limit");
        Assert.Equal(1, refused);
        Assert.DoesNotContain(await SessionsAsync(manager), s => s.GetProperty("sessionId").GetUInt32() == d.SessionId);
    }

    [Fact]
    public async Task Manifest_BeforeEachGroupInPassZero_AndInARepairPassBeforeAGroupsFirstFragment_OnTheWire()
    {
        using var folder = new TempFolder();
        var (started, capsule, _) = await StartUnicastAsync(folder, 1 << 20, rate: 20);
        await using var manager = started;
        byte[] image = File.ReadAllBytes(capsule);
        ulong imageId = await ImageIdAsync(manager);
        using var machine = new WireProbe("127.0.0.8");
        const ulong mac = 0x020000000888;
        uint request = machine.SendRequest(manager.UdpEndPoint, mac);
        var offer = (await machine.WaitForOfferAsync(request, Patience))!.Value;
        uint session = offer.Datagram.SessionId;
        ulong token = offer.Offer.Binding.MemberToken;
        Assert.True(ManifestShape.TryCreate(offer.Offer.Geometry.FragmentCount, offer.Offer.Binding.GroupShift, out ManifestShape shape));
        Assert.True(shape.GroupCount > 4, "the test needs several manifest groups");
        machine.SendAccept(manager.UdpEndPoint, mac, session, offer.Datagram.MessageId, imageId, token);

        var firstPoll = await machine.WaitForAsync(d => d.Type == MessageType.StatusRequest && d.SessionId == session, Patience);
        Assert.NotNull(firstPoll);
        var pass0 = machine.All.Where(d => d.SessionId == session && d.Sequence < firstPoll!.Sequence && d.Type is MessageType.Data or MessageType.Manifest).ToList();
        var announced = AssertManifestsPrecedeData(pass0, shape, offer.Offer.Binding.ManifestRoot, image, offer.Offer.Geometry, imageId, expectedPass: 0);
        Assert.Equal((int)offer.Offer.Geometry.FragmentCount, pass0.Count(d => d.Type == MessageType.Data));
        Assert.Equal((int)shape.GroupCount, announced);

        // NACK a middle fragment of group 0 and the first two of group 4: the repair pass announces group 4 only,
        // the group whose first fragment it carries (a member that lacks a MANIFEST NACKs that one, §6.3 rule 5).
        uint later = shape.FirstOf(4);
        machine.SendNack(manager.UdpEndPoint, mac, session, RoundOf(firstPoll!), token, offer.Offer.Geometry.FragmentCount - 3,
            new NackRange(5, 1), new NackRange(later, 2));
        // The repair pass is what lies between the polls around its first datagram: a NACK that reaches the donor after
        // its round closed (a loaded host: the round waits 20 ms and a 200 ms grace) is carried after the next poll.
        var firstRepair = await machine.WaitForAsync(d => d.SessionId == session && d.Sequence > firstPoll!.Sequence
            && d.Type is MessageType.Data or MessageType.Manifest, Patience);
        Assert.NotNull(firstRepair);
        var secondPoll = await machine.WaitForAsync(d => d.Type == MessageType.StatusRequest && d.SessionId == session && d.Sequence > firstRepair!.Sequence, Patience);
        Assert.NotNull(secondPoll);
        var passStart = machine.All.Last(d => d.Type == MessageType.StatusRequest && d.SessionId == session && d.Sequence < firstRepair!.Sequence);
        var pass1 = machine.All.Where(d => d.SessionId == session && d.Sequence > passStart.Sequence && d.Sequence < secondPoll!.Sequence
            && d.Type is MessageType.Data or MessageType.Manifest).ToList();
        Assert.Equal(new[] { "D5", "M4", "D" + later, "D" + (later + 1) }, pass1.Select(d => Describe(d, shape)));
        AssertManifestsPrecedeData(pass1, shape, offer.Offer.Binding.ManifestRoot, image, offer.Offer.Geometry, imageId, expectedPass: 1);
        machine.SendComplete(manager.UdpEndPoint, mac, session, RoundOf(secondPoll!), token, offer.Offer.Geometry.FragmentCount);

        // The cost is visible in the status: one MANIFEST per group in pass 0, one in the repair pass.
        JsonElement status = await WaitForSessionAsync(manager, s => s.GetProperty("sessionId").GetUInt32() == session
            && s.GetProperty("manifestDatagramsSent").GetInt64() == shape.GroupCount + 1, Patience);
        Assert.True(status.GetProperty("manifestBytesSent").GetInt64() > 0);
    }

    [Fact]
    public async Task Shutdown_TwoMembers_EachGetsDonorShutdownWithItsOwnAbortKey()
    {
        using var folder = new TempFolder();
        var (started, _, _) = await StartUnicastAsync(folder, 1 << 20, rate: 1);
        await using var manager = started;
        ulong imageId = await ImageIdAsync(manager);
        var members = new List<(WireProbe Probe, OfferMessage Offer, uint Session)>();
        for (int i = 0; i < 2; i++)
        {
            var probe = new WireProbe("127.0.0." + (20 + i));
            ulong mac = 0x020000000a00 + (ulong)i;
            var offer = (await probe.WaitForOfferAsync(probe.SendRequest(manager.UdpEndPoint, mac), Patience))!.Value;
            probe.SendAccept(manager.UdpEndPoint, mac, offer.Datagram.SessionId, offer.Datagram.MessageId, imageId, offer.Offer.Binding.MemberToken);
            Assert.NotNull(await probe.WaitForAsync(d => d.Type == MessageType.Data, Patience));
            members.Add((probe, offer.Offer, offer.Datagram.SessionId));
        }
        Assert.Equal(0, await manager.StopAsync(TimeSpan.FromSeconds(30)));

        foreach (var (probe, offer, session) in members)
        {
            using (probe)
            {
                var abort = await probe.WaitForAsync(d => d.Type == MessageType.Abort, Patience);
                Assert.NotNull(abort);
                Assert.Equal(session, abort!.SessionId);
                Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(abort.Bytes, out MessageFrame frame));
                Assert.Equal(WireStatus.Ok, AbortMessage.TryParse(frame, out AbortMessage message));
                Assert.Equal(AbortReason.DonorShutdown, message.Reason);
                Assert.Equal(offer.Binding.MemberToken, message.MemberToken);
                var key = new byte[16];
                message.AbortKey.Write(key);
                Assert.Equal(offer.Binding.AbortCommitment, Hash128.Read(SHA256.HashData(key)));
            }
        }
        Assert.NotEqual(members[0].Offer.Binding.AbortCommitment, members[1].Offer.Binding.AbortCommitment);
    }

    private static uint RoundOf(WireProbe.Received request)
    {
        Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(request.Bytes, out MessageFrame frame));
        Assert.Equal(WireStatus.Ok, StatusRequestMessage.TryParse(frame, out StatusRequestMessage message));
        return message.Round;
    }

    private static string Describe(WireProbe.Received d, ManifestShape shape)
    {
        Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(d.Bytes, out MessageFrame frame));
        if (d.Type == MessageType.Manifest)
        {
            Assert.Equal(WireStatus.Ok, ManifestMessage.TryParse(frame, out ManifestMessage manifest));
            return "M" + shape.GroupOf(manifest.FirstIndex);
        }
        Assert.Equal(WireStatus.Ok, DataMessage.TryParse(frame, out DataMessage data));
        return "D" + data.FragmentIndex;
    }

    /// <summary>
    /// Every DATA of the pass comes after its group's MANIFEST in the same pass; every MANIFEST checks against
    /// the offered root and holds the real leaves of the capsule's fragments. Returns the MANIFESTs seen.
    /// </summary>
    private static int AssertManifestsPrecedeData(List<WireProbe.Received> pass, ManifestShape shape, Hash128 root, byte[] image,
        FragmentGeometry geometry, ulong imageId, int expectedPass)
    {
        var hash = new HostManifestHash();
        var announced = new HashSet<uint>();
        foreach (var d in pass)
        {
            Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(d.Bytes, out MessageFrame frame));
            if (d.Type == MessageType.Manifest)
            {
                Assert.Equal(WireStatus.Ok, ManifestMessage.TryParse(frame, out ManifestMessage manifest));
                Assert.True(ManifestProof.Verify(hash, shape, root, manifest.FirstIndex, manifest.Leaves, manifest.Proof), "MANIFEST does not prove to the root");
                for (int i = 0; i < manifest.LeafCount; i++)
                {
                    uint index = manifest.FirstIndex + (uint)i;
                    Hash128 leaf = hash.Leaf(imageId, index, image.AsSpan((int)geometry.OffsetOf(index), geometry.LengthOf(index)));
                    Assert.Equal(leaf, Hash128.Read(manifest.Leaves.Slice(i * Hash128.Length)));
                }
                Assert.True(announced.Add(shape.GroupOf(manifest.FirstIndex)), "a group announced twice in one pass");
            }
            else
            {
                Assert.Equal(WireStatus.Ok, DataMessage.TryParse(frame, out DataMessage data));
                Assert.Equal(expectedPass, data.Pass);
                // Pass 0 announces every group before its DATA; a repair pass only a group whose first fragment it carries.
                bool needsManifest = expectedPass == 0 || data.FragmentIndex == shape.FirstOf(shape.GroupOf(data.FragmentIndex));
                Assert.True(!needsManifest || announced.Contains(shape.GroupOf(data.FragmentIndex)), $"DATA {data.FragmentIndex} before its group's MANIFEST");
            }
        }
        return announced.Count;
    }
}
