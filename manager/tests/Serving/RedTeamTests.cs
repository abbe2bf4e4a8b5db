using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;
using Xunit.Abstractions;
using static UefiRecovery.Manager.Tests.Serving.NamespaceTestHelpers;

namespace UefiRecovery.Manager.Tests.Serving;

/// <summary>
/// Red team (issue #10): the real manager process against an attacker on its LAN (docs/protocol.md §7.2, §9).
/// A forged source address is played by a socket bound to that loopback address, as in HostileLanTests. Each
/// test asserts what §9 / docs/operating.md promise and FAILS on branch proto; its message gives the measured
/// effect. Filter: Category=RedTeam.
/// </summary>
[Trait("Category", "RedTeam")]
public sealed class RedTeamTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly ITestOutputHelper _output;

    public RedTeamTests(ITestOutputHelper output)
    {
        _output = output;
    }

    private static async Task<(ManagerProcess Manager, string Capsule, string Results)> StartAsync(TempFolder folder, int imageBytes, string delivery, params string[] extra)
    {
        string images = Directory.CreateDirectory(folder.Combine("images")).FullName;
        string capsule = await ManagerCli.PackCapsuleAsync(images, "fw.cap", imageBytes, seed: 41, SharedFiles.TrustedPrivateKey);
        string results = folder.Combine("results.jsonl");
        var args = new List<string>
        {
            "--images", images, "--listen", "127.0.0.1:0", "--delivery", delivery, "--trusted", SharedFiles.TrustedPublicKey,
            "--results", results, "--status-http", "127.0.0.1:0", "--gather", "0.2", "--rate", "20",
        };
        args.AddRange(extra);
        return (await ManagerProcess.StartAsync(args), capsule, results);
    }

    private static async Task<JsonElement> TrafficAsync(ManagerProcess manager)
    {
        using JsonDocument status = await manager.GetStatusAsync();
        return status.RootElement.GetProperty("traffic").Clone();
    }

    private static long Reason(JsonElement traffic, string name) =>
        traffic.GetProperty("rejectReasons").TryGetProperty(name, out JsonElement n) ? n.GetInt64() : 0;

    /// <summary>Sends REQUESTs from <paramref name="probe"/> until the stop token fires, <paramref name="perSecond"/> a second.</summary>
    private static Task LoopAsync(Action send, int perSecond, CancellationToken stop) => Task.Run(async () =>
    {
        while (!stop.IsCancellationRequested)
        {
            send();
            try { await Task.Delay(1000 / perSecond, stop); } catch (OperationCanceledException) { }
        }
    });

    // ---- F4: four spoofed REQUESTs from the victim's address fill its unicast quota (§7.2 rule 11) ----

    [Fact]
    public async Task Unicast_AttackerRequestsFromTheVictimsAddress_VictimStillRecovers()
    {
        using var folder = new TempFolder();
        var (started, capsule, _) = await StartAsync(folder, 256 << 10, "unicast");
        await using var manager = started;
        // The attacker claims the victim's address (127.0.0.1 here; on a LAN any source address) with MACs of
        // its own, ten REQUESTs a second: each makes a pending unicast offer "at" that address, the OFFERs go to
        // the victim, which ignores them. Four pending offers per address is the limit; the victim's own REQUEST
        // is then refused as "one address, many MACs", and the attacker refills the quota as offers expire.
        using var spoof = new WireProbe("127.0.0.1");
        using var stop = new CancellationTokenSource();
        ulong mac = 0x0A0000000000;
        Task attack = LoopAsync(() => spoof.SendRequest(manager.UdpEndPoint, mac++), 10, stop.Token);
        await Task.Delay(1000);

        var (run, report) = await ManagerCli.SimulateAsync(new[]
        {
            "--clients", "1", "--manager", manager.UdpEndPoint.ToString(), "--bind", "127.0.0.1", "--client-port", "0",
            "--trusted", SharedFiles.TrustedPublicKey, "--timeout", "45", "--mac-base", "020000000001", "--out", folder.Combine("out"),
        }, folder.Combine("r.json"));
        stop.Cancel();
        await attack;

        long refused = Reason(await TrafficAsync(manager), "REQUEST:unicast-per-address-limit");
        _output.WriteLine("exit " + run.ExitCode + ", refused REQUESTs " + refused + "\n" + run.Stderr);
        Assert.True(run.ExitCode == 0, "victim not recovered in 45 s; manager refused " + refused + " REQUESTs as unicast-per-address-limit, attacker sent ~10/s");
        AssertByteExact(capsule, Clients(report)[0]);
    }

    // ---- F5: REQUESTs with ever new max datagram sizes evict the warmed manifest and drain the hashing budget ----

    [Fact]
    public async Task Request_AttackerCyclesMaxDatagramSizes_MachineWithDefaultSizeStillGetsAnOffer()
    {
        using var folder = new TempFolder();
        // A 16 MiB image: the 64 MiB/s manifest budget is four builds a second.
        var (started, _, _) = await StartAsync(folder, 16 << 20, "broadcast");
        await using var manager = started;
        // 200 REQUESTs a second (16 KB/s), each with a max datagram nobody asked for before: 16 of them push the
        // warmed 1432-byte manifest out of the LRU cache, the rest keep the budget spent.
        var attackers = Enumerable.Range(20, 8).Select(i => new WireProbe("127.0.0." + i)).ToList();
        using var stop = new CancellationTokenSource();
        ushort size = 600;
        int next = 0;
        Task attack = LoopAsync(() =>
        {
            attackers[next++ % attackers.Count].SendRequest(manager.UdpEndPoint, 0x0A0000000000UL + size, size, DeliveryModes.Broadcast);
            size = (ushort)(size >= 1400 ? 600 : size + 1);
        }, 200, stop.Token);
        // Until 20 odd sizes were built (each answered REQUEST of the attacker is one build): the warmed 1432-byte
        // entry is out of the 16-entry cache, since nobody asked for it meanwhile.
        DateTime until = DateTime.UtcNow + Patience;
        while (attackers.Sum(a => a.All.Count(d => d.Type == MessageType.Offer)) < 20 && DateTime.UtcNow < until) await Task.Delay(100);

        // A machine with the default max datagram (1472) asks once a second, up to 15 times, until it gets an OFFER.
        using var machine = new WireProbe("127.0.0.10");
        int asked = 0;
        bool answered = false;
        while (!answered && asked < 15)
        {
            asked++;
            uint id = machine.SendRequest(manager.UdpEndPoint, 0x020000000001, 1472, DeliveryModes.Broadcast);
            answered = await machine.WaitForOfferAsync(id, TimeSpan.FromSeconds(1)) is not null;
        }
        stop.Cancel();
        await attack;
        foreach (var a in attackers) a.Dispose();

        long refused = Reason(await TrafficAsync(manager), "REQUEST:manifest-budget");
        _output.WriteLine("answered " + answered + " after " + asked + " REQUESTs, manifest-budget refusals " + refused);
        Assert.True(answered && asked <= 3, "the machine " + (answered ? "got its OFFER only at REQUEST " + asked : "got no OFFER for 15 REQUESTs")
            + "; manager refused " + refused + " REQUESTs as manifest-budget");
    }

    // ---- F7: results recorded for any MAC, without bound, by an attacker that sees its own OFFERs ----

    [Fact]
    public async Task Result_AttackerReportsSuccessForManyMacsFromItsOwnAddress_ResultLogStaysBoundedAndHasNoSuccessForThem()
    {
        using var folder = new TempFolder();
        var (started, _, results) = await StartAsync(folder, 64 << 10, "broadcast");
        await using var manager = started;
        using JsonDocument status = await manager.GetStatusAsync();
        ulong imageId = Convert.ToUInt64(status.RootElement.GetProperty("images")[0].GetProperty("sha256").GetString()![..16], 16);
        // The attacker asks in the name of 500 MACs (one of them a real machine's) from its own address: each
        // OFFER carries a genuine token for (session, that MAC, the attacker's address); a RESULT success with it
        // is recorded, for a session nobody ever accepted.
        using var attacker = new WireProbe("127.0.0.30");
        const int macs = 500;
        int recordedFor = 0;
        for (ulong i = 0; i < macs; i++)
        {
            ulong mac = 0x525400120000 + i;
            uint id = attacker.SendRequest(manager.UdpEndPoint, mac, 1472, DeliveryModes.Broadcast);
            var offer = await attacker.WaitForOfferAsync(id, TimeSpan.FromSeconds(2));
            if (offer is null) continue;
            attacker.SendResult(manager.UdpEndPoint, mac, offer.Value.Datagram.SessionId, imageId, offer.Value.Offer.Binding.MemberToken,
                ResultOutcome.Success, ResultReason.None);
            recordedFor++;
        }
        await Task.Delay(1000);

        var records = ReadResults(results);
        long bytes = new FileInfo(results).Length;
        _output.WriteLine(records.Count + " records, " + bytes + " bytes; first: " + (records.Count > 0 ? records[0].ToString() : ""));
        bool fakeSuccess = records.Any(r => r.ClientId == "52:54:00:12:00:00" && r.Outcome == "success");
        Assert.True(!fakeSuccess && records.Count < 50, records.Count + " success records (" + bytes + " bytes) for " + recordedFor
            + " MACs that never received anything, all from 127.0.0.30; success recorded for 52:54:00:12:00:00: " + fakeSuccess);
    }

    // ---- F8: the manager's own signed OFFER, asked for in the victim's name from the attacker's address ----

    [Fact]
    public async Task SignedOffers_AttackerRelaysTheManagersOfferMadeForItsOwnAddress_VictimStillRecovers()
    {
        using var folder = new TempFolder();
        var (started, capsule, _) = await StartAsync(folder, 256 << 10, "unicast", "--signing-key", SharedFiles.UntrustedPrivateKey);
        await using var manager = started;
        // The attacker sees the victim's broadcast REQUEST (here: the victim's DISCOVER copy goes to the
        // attacker's socket, which stands for the segment's broadcast). It sends the same bytes — the victim's
        // MAC as sender id, the victim's message id — to the manager from its own address, gets a genuinely
        // signed OFFER (in-reply-to and requester id are the victim's, the token is for the attacker's address),
        // and forwards it to the victim. The victim keeps one offer per donor id: the relayed one replaces its own.
        using var attacker = new WireProbe("127.0.0.40");
        using var stop = new CancellationTokenSource();
        int relayed = 0;
        IPEndPoint? victim = null;
        Task relay = Task.Run(async () =>
        {
            int seen = 0;
            while (!stop.IsCancellationRequested)
            {
                var all = attacker.All;
                for (; seen < all.Count; seen++)
                {
                    var d = all[seen];
                    if (d.Type == MessageType.Request)
                    {
                        victim = d.Source;
                        attacker.Send(d.Bytes, manager.UdpEndPoint);
                    }
                    else if (d.Type == MessageType.Offer && victim is not null)
                    {
                        attacker.Send(d.Bytes, victim);
                        relayed++;
                    }
                }
                try { await Task.Delay(2, stop.Token); } catch (OperationCanceledException) { }
            }
        });

        var (run, report) = await ManagerCli.SimulateAsync(new[]
        {
            "--clients", "1", "--manager", manager.UdpEndPoint.ToString(), "--discover", "--broadcast", attacker.LocalEndPoint.ToString(),
            "--bind", "127.0.0.1", "--client-port", "0", "--trusted", SharedFiles.TrustedPublicKey,
            "--trusted-manager", SharedFiles.UntrustedPublicKey, "--timeout", "45", "--out", folder.Combine("out"),
        }, folder.Combine("r.json"));
        stop.Cancel();
        await relay;

        long badTokens = Reason(await TrafficAsync(manager), "ACCEPT:bad-token");
        _output.WriteLine("exit " + run.ExitCode + ", relayed " + relayed + ", ACCEPT:bad-token " + badTokens + "\n" + run.Stderr);
        Assert.True(run.ExitCode == 0, "victim (trusting only the manager's key) not recovered in 45 s: " + relayed
            + " genuine signed OFFERs relayed, ACCEPTs seen by the attacker " + attacker.All.Count(d => d.Type == MessageType.Accept));
        AssertByteExact(capsule, Clients(report)[0]);
    }

    // ---- F12: memberships of the attacker's own that NACK everything share the manager's rate with the victim ----

    [Fact]
    public async Task Sessions_AttackerKeepsThirtyTwoOwnSessionsRepairingEverything_VictimsTransferNotSlowedDown()
    {
        using var folder = new TempFolder();
        var (started, capsule, _) = await StartAsync(folder, 1 << 20, "unicast");
        await using var manager = started;
        string[] victim(string name) => new[]
        {
            "--clients", "1", "--manager", manager.UdpEndPoint.ToString(), "--bind", "127.0.0.1", "--client-port", "0",
            "--trusted", SharedFiles.TrustedPublicKey, "--timeout", "170", "--mac-base", "020000000001", "--out", folder.Combine(name),
        };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (alone, aloneReport) = await ManagerCli.SimulateAsync(victim("alone"), folder.Combine("alone.json"));
        double aloneSeconds = clock.Elapsed.TotalSeconds;
        Assert.True(alone.ExitCode == 0, alone.Stderr);

        // 8 addresses of its own × 4 MACs (the unicast quota per address): 32 genuine memberships, each its own
        // unicast session, each telling the manager twice a second (unsolicited STATUS) that it misses every
        // fragment. No spoofing, nothing but the attacker's own tokens; about 64 datagrams a second.
        var probes = Enumerable.Range(50, 8).Select(i => new WireProbe("127.0.0." + i)).ToList();
        var members = new List<(WireProbe Probe, ulong Mac, uint Session, ulong Token, uint Fragments)>();
        ulong imageId = 0;
        foreach (var probe in probes)
        {
            for (ulong k = 0; k < 4; k++)
            {
                ulong mac = 0x0A0000000100 + (ulong)members.Count;
                var offer = await probe.WaitForOfferAsync(probe.SendRequest(manager.UdpEndPoint, mac), Patience);
                Assert.NotNull(offer);
                var (o, d) = offer!.Value;
                imageId = o.ImageId;
                probe.SendAccept(manager.UdpEndPoint, mac, d.SessionId, d.MessageId, o.ImageId, o.Binding.MemberToken);
                members.Add((probe, mac, d.SessionId, o.Binding.MemberToken, o.Geometry.FragmentCount));
            }
        }
        using var stop = new CancellationTokenSource();
        Task nack = LoopAsync(() =>
        {
            foreach (var m in members) m.Probe.SendNack(manager.UdpEndPoint, m.Mac, m.Session, 0, m.Token, 0, new NackRange(0, m.Fragments));
        }, 2, stop.Token);
        await Task.Delay(3000);

        clock.Restart();
        var (attacked, attackedReport) = await ManagerCli.SimulateAsync(victim("attacked"), folder.Combine("attacked.json"));
        double attackedSeconds = clock.Elapsed.TotalSeconds;
        stop.Cancel();
        await nack;
        foreach (var p in probes) p.Dispose();

        _output.WriteLine("victim alone " + aloneSeconds.ToString("0.0") + " s, beside 32 attacker sessions " + attackedSeconds.ToString("0.0") + " s (exit " + attacked.ExitCode + ")");
        Assert.True(attacked.ExitCode == 0 && attackedSeconds < 4 * aloneSeconds + 5,
            "victim took " + attackedSeconds.ToString("0.0") + " s beside 32 attacker sessions, " + aloneSeconds.ToString("0.0") + " s alone (exit " + attacked.ExitCode + ")");
    }
}
