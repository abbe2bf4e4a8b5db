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
/// The real manager process against an attacker on its LAN that uses what protocol v2 gives anyone (docs/protocol.md
/// §7.2, §9): forged source addresses, REQUESTs in any MAC's name, genuine tokens for its own address. Found by the
/// red team (issue #10; each test failed before its fix, the figure it measured is in its comment). A forged source
/// address is played by a socket bound to that loopback address, as in HostileLanTests.
/// </summary>
public sealed class LanAttackTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly ITestOutputHelper _output;

    public LanAttackTests(ITestOutputHelper output)
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

    // F4: before, four spoofed REQUESTs from the victim's address filled its unicast quota (pending offers counted,
    // §7.2 rule 11): the victim was refused 442 times in 45 s and never recovered.
    [Fact]
    public async Task Unicast_SpooferKeepsMakingOffersAtTheVictimsAddress_VictimStillRecovers()
    {
        using var folder = new TempFolder();
        var (started, capsule, _) = await StartAsync(folder, 256 << 10, "unicast");
        await using var manager = started;
        // The attacker claims the victim's address (127.0.0.1 here; on a LAN any source address) with MACs of
        // its own, ten REQUESTs a second: each makes a pending unicast offer "at" that address, the OFFERs go to
        // the victim, which ignores them. Only live sessions count toward the four per address; pending offers
        // there only evict the oldest pending one.
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

        JsonElement traffic = await TrafficAsync(manager);
        long refused = Reason(traffic, "REQUEST:unicast-per-address-limit");
        _output.WriteLine("exit " + run.ExitCode + ", refused REQUESTs " + refused + ", evicted offers " + Reason(traffic, "unicast-offer-evicted") + "\n" + run.Stderr);
        Assert.True(run.ExitCode == 0, "victim not recovered in 45 s; manager refused " + refused + " REQUESTs as unicast-per-address-limit, attacker sent ~10/s");
        Assert.Equal(0, refused);
        AssertByteExact(capsule, Clients(report)[0]);
    }

    // F5: before, REQUESTs with ever new max datagram sizes evicted the warmed manifest from a 16-entry LRU cache and
    // kept the hashing budget spent: a machine with the default size got no OFFER for 15 REQUESTs (2218 refused).
    [Fact]
    public async Task Request_AttackerCyclesOddMaxDatagramSizes_MachineWithTheDefaultSizeOfferedAtOnce()
    {
        using var folder = new TempFolder();
        // A 16 MiB image: the 64 MiB/s manifest budget is four builds a second.
        var (started, _, _) = await StartAsync(folder, 16 << 20, "broadcast");
        await using var manager = started;
        // 200 REQUESTs a second (16 KB/s), each with a max datagram nobody asked for before. The manager maps each to
        // one of its few fragment sizes (§5.2), builds each size once and keeps the trees of catalog images.
        var attackers = Enumerable.Range(20, 8).Select(i => new WireProbe("127.0.0." + i)).ToList();
        using var stop = new CancellationTokenSource();
        ushort size = 600;
        int next = 0;
        Task attack = LoopAsync(() =>
        {
            attackers[next++ % attackers.Count].SendRequest(manager.UdpEndPoint, 0x0A0000000000UL + size, size, DeliveryModes.Broadcast);
            size = (ushort)(size >= 1400 ? 600 : size + 1);
        }, 200, stop.Token);
        // Until 20 of them were answered (before the fix, each answer was one build and pushed an entry out).
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
        var sizes = attackers.SelectMany(a => a.All).Where(d => d.Type == MessageType.Offer)
            .Select(d => WireProbe.ParseOffer(d.Bytes).Geometry.FragmentSize).Distinct().OrderBy(x => x).ToList();
        _output.WriteLine("fragment sizes offered to the attacker: " + string.Join(", ", sizes));
        Assert.True(sizes.Count <= 4, string.Join(", ", sizes)); // 1372, 1232, 1000 and 508 cover 600..1400
        _output.WriteLine("answered " + answered + " after " + asked + " REQUESTs, manifest-budget refusals " + refused);
        Assert.True(answered && asked <= 3, "the machine " + (answered ? "got its OFFER only at REQUEST " + asked : "got no OFFER for 15 REQUESTs")
            + "; manager refused " + refused + " REQUESTs as manifest-budget");
    }

    // F7: before, an attacker that asked in 500 MACs' names from its own address and sent RESULT success with each
    // genuine token got 500 success records (for a session nobody accepted), one of them for a real machine's MAC.
    [Fact]
    public async Task Result_AttackerReportsSuccessForManyMacsFromItsOwnAddress_NothingRecordedForSessionsNeverStarted()
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
        long bytes = File.Exists(results) ? new FileInfo(results).Length : 0;
        _output.WriteLine(records.Count + " records, " + bytes + " bytes; first: " + (records.Count > 0 ? records[0].ToString() : ""));
        bool fakeSuccess = records.Any(r => r.ClientId == "52:54:00:12:00:00" && r.Outcome == "success");
        Assert.True(!fakeSuccess && records.Count < 50, records.Count + " success records (" + bytes + " bytes) for " + recordedFor
            + " MACs that never received anything, all from 127.0.0.30; success recorded for 52:54:00:12:00:00: " + fakeSuccess);
        Assert.True(Reason(await TrafficAsync(manager), "RESULT:session-never-started") >= macs / 2);
    }

    // F8: before, the manager's genuinely signed OFFER, asked for with a copy of the victim's REQUEST from the
    // attacker's address and relayed to the victim, replaced the victim's own offer (its token fails at the manager).
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

    // F12: before, 32 memberships of the attacker's own (8 addresses x 4) NACKing every fragment twice a second took
    // 32/33 of the rate: the victim took 15.2 s instead of 1.2 s. The rate is now shared per address (9 parties here),
    // and such members are dropped after 3 repair passes without progress. Prints both times.
    [Fact]
    public async Task Sessions_AttackerKeepsThirtyTwoOwnSessionsRepairingEverything_VictimGetsItsShareOfTheRate()
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

    [Fact]
    public async Task Sessions_MembershipThatNacksEverythingAndNeverProgresses_DroppedAfterThreeRepairPassesAndRecorded()
    {
        using var folder = new TempFolder();
        var (started, _, results) = await StartAsync(folder, 64 << 10, "unicast");
        await using var manager = started;
        using var attacker = new WireProbe("127.0.0.60");
        const ulong mac = 0x0A0000000200;
        var offer = await attacker.WaitForOfferAsync(attacker.SendRequest(manager.UdpEndPoint, mac), Patience);
        Assert.NotNull(offer);
        var (o, d) = offer!.Value;
        attacker.SendAccept(manager.UdpEndPoint, mac, d.SessionId, d.MessageId, o.ImageId, o.Binding.MemberToken);
        using var stop = new CancellationTokenSource();
        Task nack = LoopAsync(() => attacker.SendNack(manager.UdpEndPoint, mac, d.SessionId, 0, o.Binding.MemberToken, 0,
            new NackRange(0, o.Geometry.FragmentCount)), 4, stop.Token);
        DateTime until = DateTime.UtcNow + Patience;
        while (ReadResults(results).Count == 0 && DateTime.UtcNow < until) await Task.Delay(200);
        stop.Cancel();
        await nack;

        var record = Assert.Single(ReadResults(results));
        _output.WriteLine(record.Detail + "; DATA datagrams the attacker got: " + attacker.All.Count(x => x.Type == MessageType.Data));
        Assert.Equal("timeout", record.Outcome);
        Assert.StartsWith("no progress after 3 repair passes", record.Detail, StringComparison.Ordinal);
        Assert.False(record.Authenticated);
    }

    [Fact]
    public async Task Result_TokensFromOffersOfAnEarlierRun_RecordedOnlyUnderTheRateLimitAndMarkedSessionUnknown()
    {
        // After a restart (same secret) the manager cannot tell a machine that finished its write from an attacker
        // that asked in many MACs' names before the restart: both carry genuine tokens of sessions it never heard of.
        using var folder = new TempFolder();
        var (first, _, results) = await StartAsync(folder, 64 << 10, "broadcast");
        using var attacker = new WireProbe("127.0.0.31");
        const int macs = 60;
        var tokens = new List<(ulong Mac, uint Session, ulong Token)>();
        ulong imageId;
        await using (first)
        {
            using JsonDocument status = await first.GetStatusAsync();
            imageId = Convert.ToUInt64(status.RootElement.GetProperty("images")[0].GetProperty("sha256").GetString()![..16], 16);
            for (ulong i = 0; i < macs; i++)
            {
                ulong mac = 0x525400130000 + i;
                var offer = await attacker.WaitForOfferAsync(attacker.SendRequest(first.UdpEndPoint, mac, 1472, DeliveryModes.Broadcast), Patience);
                Assert.NotNull(offer);
                tokens.Add((mac, offer!.Value.Datagram.SessionId, offer.Value.Offer.Binding.MemberToken));
            }
            first.Kill();
        }
        await using var second = await ManagerProcess.StartAsync(new[]
        {
            "--images", folder.Combine("images"), "--listen", "127.0.0.1:0", "--delivery", "broadcast", "--trusted", SharedFiles.TrustedPublicKey,
            "--results", results, "--status-http", "127.0.0.1:0",
        });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        foreach (var (mac, session, token) in tokens)
            attacker.SendResult(second.UdpEndPoint, mac, session, imageId, token, ResultOutcome.Success, ResultReason.None);
        await Task.Delay(1000);
        double seconds = clock.Elapsed.TotalSeconds;

        var records = ReadResults(results);
        long refused = Reason(await TrafficAsync(second), "RESULT:rate-limited");
        int acks = attacker.All.Count(d => d.Type == MessageType.ResultAck);
        _output.WriteLine(records.Count + " of " + macs + " recorded in " + seconds.ToString("0.0") + " s, " + refused + " refused, " + acks + " acknowledged");
        // 16 at once and one a second per source.
        Assert.InRange(records.Count, 16, 16 + (int)Math.Ceiling(seconds) + 1);
        Assert.Equal(macs, records.Count + refused);
        Assert.Equal(records.Count, acks);
        Assert.All(records, r =>
        {
            Assert.False(r.SessionKnown);
            Assert.Contains("session unknown to this manager run", r.Detail, StringComparison.Ordinal);
        });
        Assert.Contains("flood: refused", await WaitForOutputAsync(second, "flood: refused", TimeSpan.FromSeconds(15)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Result_InTheNameOfAMachineThatIsAMemberAtAnotherAddress_FlaggedInTheRecordAndTheStatus()
    {
        using var folder = new TempFolder();
        var (started, _, results) = await StartAsync(folder, 1 << 20, "broadcast");
        await using var manager = started;
        const ulong mac = 0x525400140001;
        // The real machine joins (it answers nothing, so it stays Receiving until it would time out, 10 s on).
        using var machine = new WireProbe("127.0.0.1");
        var offer = await machine.WaitForOfferAsync(machine.SendRequest(manager.UdpEndPoint, mac, 1472, DeliveryModes.Broadcast), Patience);
        Assert.NotNull(offer);
        var (o, d) = offer!.Value;
        machine.SendAccept(manager.UdpEndPoint, mac, d.SessionId, d.MessageId, o.ImageId, o.Binding.MemberToken);
        await WaitForSessionAsync(manager, s => s.GetProperty("sessionId").GetUInt32() == d.SessionId && s.GetProperty("clients").GetArrayLength() == 1, Patience);

        // From its own address the attacker asks in that MAC's name (same running session, its own genuine token) and reports success.
        using var attacker = new WireProbe("127.0.0.32");
        var own = await attacker.WaitForOfferAsync(attacker.SendRequest(manager.UdpEndPoint, mac, 1472, DeliveryModes.Broadcast), Patience);
        Assert.NotNull(own);
        Assert.Equal(d.SessionId, own!.Value.Datagram.SessionId);
        attacker.SendResult(manager.UdpEndPoint, mac, d.SessionId, o.ImageId, own.Value.Offer.Binding.MemberToken, ResultOutcome.Success, ResultReason.None);
        Assert.NotNull(await attacker.WaitForAsync(x => x.Type == MessageType.ResultAck, Patience));

        var record = Assert.Single(ReadResults(results));
        Assert.Equal("127.0.0.32", IPEndPoint.Parse(record.Client).Address.ToString());
        Assert.Equal(new[] { "127.0.0.1" }, record.SameMacAt);
        Assert.True(record.SessionKnown);
        Assert.Contains("not a member of the session", record.Detail, StringComparison.Ordinal);
        JsonElement session = await WaitForSessionAsync(manager, s => s.GetProperty("sessionId").GetUInt32() == d.SessionId
            && s.GetProperty("clients")[0].GetProperty("sameMacAt").GetArrayLength() > 0, Patience);
        JsonElement member = Assert.Single(session.GetProperty("clients").EnumerateArray());
        Assert.Equal("Receiving", member.GetProperty("state").GetString());
        Assert.Equal(new[] { "127.0.0.32" }, member.GetProperty("sameMacAt").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("also proved a membership at 127.0.0.1", manager.Output, StringComparison.Ordinal);
    }

    private static async Task<string> WaitForOutputAsync(ManagerProcess manager, string text, TimeSpan timeout)
    {
        DateTime end = DateTime.UtcNow + timeout;
        while (!manager.Output.Contains(text, StringComparison.Ordinal) && DateTime.UtcNow < end) await Task.Delay(200);
        return manager.Output;
    }
}
