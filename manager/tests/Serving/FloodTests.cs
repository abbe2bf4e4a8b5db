using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Text.Json;
using System.Threading.Tasks;
using UefiRecovery.Manager.Hostile;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;
using Xunit.Abstractions;
using static UefiRecovery.Manager.Tests.Serving.NamespaceTestHelpers;

namespace UefiRecovery.Manager.Tests.Serving;

/// <summary>
/// The real manager under a flood from the attack tool (tests/Hostile): a million hostile datagrams from
/// 64 loopback addresses — forged RESULTs, REQUESTs, malformed and random datagrams, ACCEPT/STATUS for
/// random sessions. It must stay up, keep its memory, log and result log bounded, and still serve a
/// real machine afterwards. The bounds are sizes, not times: the log and result-log bounds follow from
/// the documented rate limits and the flood's own duration (docs/operating.md §7).
/// </summary>
[Trait("Category", "Flood")]
public sealed class FloodTests(ITestOutputHelper output)
{
    private const long HostileHandled = 1_000_000;
    private const long RssGrowthBound = 40L * 1024 * 1024;

    // docs/operating.md §7: log lines caused by datagrams, all sources together, 500 at once and 10/s;
    // RESULTs of non-members 100 at once and 5/s; a summary line per limiter every 10 s.
    private const double LogBurst = 500, LogPerSecond = 10;
    private const int MaxSessions = 256;
    private const int MaxLogLineBytes = 600, MaxResultLineBytes = 400;

    [Fact]
    public async Task Serve_MillionHostileDatagramsFromManySources_StaysUpBoundedAndStillServes()
    {
        using var folder = new TempFolder();
        string images = Directory.CreateDirectory(folder.Combine("images")).FullName;
        string capsule = await ManagerCli.PackCapsuleAsync(images, "fw.cap", 256 << 10, seed: 40, SharedFiles.TrustedPrivateKey);
        string results = folder.Combine("results.jsonl");
        await using var manager = await ManagerProcess.StartAsync(new[]
        {
            "--images", images, "--listen", "127.0.0.1:0", "--delivery", "unicast", "--trusted", SharedFiles.TrustedPublicKey,
            "--results", results, "--status-http", "127.0.0.1:0", "--gather", "0.2",
        });
        string[] machine = { "--clients", "1", "--manager", manager.UdpEndPoint.ToString(), "--bind", "127.0.0.1", "--client-port", "0",
            "--trusted", SharedFiles.TrustedPublicKey, "--timeout", "180" };

        // Warm up every path (a real recovery, then a short flood) so what follows measures the flood, not the JIT.
        var (warmRun, _) = await ManagerCli.SimulateAsync(machine.Concat(new[] { "--out", folder.Combine("out0") }), folder.Combine("r0.json"));
        Assert.True(warmRun.ExitCode == 0, warmRun.Stderr + "\n--- manager ---\n" + manager.Output);
        await FloodAsync(manager, seed: 1, handled: 50_000);
        long rssBefore = manager.ResidentBytes();
        long linesBefore = manager.OutputLines, bytesBefore = manager.OutputBytes;
        long resultsBefore = new FileInfo(results).Length;

        FloodReport flood = await FloodAsync(manager, seed: 2, handled: HostileHandled);

        long rssAfter = manager.ResidentBytes();
        long lines = manager.OutputLines - linesBefore, bytes = manager.OutputBytes - bytesBefore;
        long resultBytes = new FileInfo(results).Length - resultsBefore;
        double seconds = flood.Elapsed.TotalSeconds + 1;
        output.WriteLine($"flood: sent {flood.Sent}, handled {flood.Handled} in {flood.Elapsed.TotalSeconds:0.0} s; RSS {rssBefore >> 20} -> {rssAfter >> 20} MiB; " +
                         $"log +{lines} lines / {bytes} bytes; result log +{resultBytes} bytes");
        Assert.False(manager.HasExited, manager.Output);
        Assert.True(flood.Sent >= HostileHandled && flood.Handled >= HostileHandled, $"the manager handled {flood.Handled} of {flood.Sent} sent in {flood.Elapsed}");
        Assert.True(rssAfter - rssBefore < RssGrowthBound, $"RSS grew {(rssAfter - rssBefore) >> 20} MiB during the flood");
        // + the two limiters' summaries every 10 s and the progress line per listed session every 5 s
        double lineBound = LogBurst + LogPerSecond * seconds + 2 * (seconds / 10 + 1) + 2 * (seconds / 5 + 1) + 50;
        Assert.True(lines <= lineBound, $"{lines} log lines for a {seconds:0} s flood (bound {lineBound:0})\n{Tail(manager)}");
        Assert.True(bytes <= lineBound * MaxLogLineBytes, $"{bytes} bytes of log for a {seconds:0} s flood");
        // Forged RESULTs carry guessed member tokens: none is recorded (docs/protocol.md §7.2 rule 8). What the
        // manager may write itself are timeouts of the flood's own sessions, at most one per live session.
        double resultBound = MaxSessions * MaxResultLineBytes;
        Assert.True(resultBytes <= resultBound, $"result log grew {resultBytes} bytes for a {seconds:0} s flood (bound {resultBound:0})");
        Assert.DoesNotContain(ReadResultLinesSince(results, resultsBefore), line => line.Contains("\"authenticated\":true", StringComparison.Ordinal));

        using (JsonDocument status = await manager.GetStatusAsync())
        {
            JsonElement reasons = status.RootElement.GetProperty("traffic").GetProperty("rejectReasons");
            Assert.False(reasons.TryGetProperty("internal-error", out _), reasons.ToString());
            Assert.True(reasons.GetProperty("RESULT:bad-token").GetInt64() > 0, reasons.ToString());
        }
        Assert.Contains("flood: suppressed", manager.Output, StringComparison.Ordinal);

        // After the flood, a real machine recovers as before.
        var (run, report) = await ManagerCli.SimulateAsync(machine.Concat(new[] { "--out", folder.Combine("out1"), "--mac-base", "020000000301" }), folder.Combine("r1.json"));
        Assert.True(run.ExitCode == 0, run.Stderr + "\n--- manager ---\n" + manager.Output);
        AssertByteExact(capsule, Clients(report)[0]);
        Assert.Contains(ReadResults(results), r => r.Outcome == "success" && r.ClientId == Clients(report)[0].GetProperty("clientId").GetString());
    }

    private static Task<FloodReport> FloodAsync(ManagerProcess manager, int seed, long handled)
    {
        var plan = new FloodPlan(manager.UdpEndPoint, FloodSender.LoopbackSources(64), Count: 3 * handled, TimeCap: TimeSpan.FromMinutes(8))
        {
            HandledTarget = handled,
        };
        return FloodSender.RunAsync(plan, new AttackDatagrams(AttackKind.Mix, seed, Guid.Parse(SharedFiles.ImageType)), manager.DatagramsHandledAsync);
    }

    private static string[] ReadResultLinesSince(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(offset, SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static string Tail(ManagerProcess manager) => string.Join('\n', manager.Output.Split('\n').TakeLast(40));
}
