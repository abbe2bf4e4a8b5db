using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.QemuTests.Recovery;
using UefiRecovery.Testbed;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.QemuTests.Bench;

/// <summary>
/// Issue #15's figure in OVMF: three machines (VirtioNetDxe) on their own taps of one bridge, 5 % nftables drop on
/// each tap, recovered by one broadcast session of the real manager; twice in the same test, first against
/// <c>serve</c> without FEC (NACK union), then with <c>--fec true</c> (docs/protocol.md §5.5), each with a fresh
/// manager, fresh vars and a fresh segment. Side by side: the session's repair rounds and bytes sent ÷ image from the
/// manager's own accounting (GET /status: DATA + MANIFEST + PARITY, headers included, as <c>uefirecovery-manager
/// benchmark</c> counts them; the status log's "x image sent" is DATA only and is quoted beside it), and per machine
/// its result record's repair rounds, its STATUS count and its <c>RECOVERY FEC</c> line. The in-firmware codec
/// throughput is not measured again: the coretest figure (<c>CORETEST TIME fec</c> in artifacts/figures/ovmf-verify.txt)
/// is quoted. Written to artifacts/figures/fec-recovery.txt and the test output. Which mode is cheaper is never
/// asserted (the loss is random and the host shared); every recovery must end byte-exact, three successes, one session.
/// Needs root; otherwise skipped.
/// </summary>
[Trait("Category", "Benchmark")]
[Collection(BenchmarkCollection.Name)]
public sealed class FecRecoveryFiguresBenchmarkTests
{
    private const int Machines = 3;
    private const int LossPercent = 5;

    /// <summary>The manager's status endpoint inside the segment's namespace (loopback only, docs/operating.md).</summary>
    private const string StatusEndpoint = "127.0.0.1:8480";

    private static readonly Regex FecLine = new(@"^RECOVERY FEC offered=(yes|no) active=(yes|no) parity=\d+ decoded=\d+ rejected=\d+$");
    private static readonly Regex LateJoin = new(@"joined session [0-9a-f]{8} .*\((?!Gathering)[A-Za-z]+, late join");
    private static readonly Regex ImageSentLine = new(@"session [0-9a-f]{8} .*: \d+ recovered, .* repair rounds, [\d.]+ x image sent in [\d.]+ s");

    private readonly ITestOutputHelper _output;

    public FecRecoveryFiguresBenchmarkTests(ITestOutputHelper output) => _output = output;

    [RootFact]
    public async Task FecFigures_ThreeMachinesFivePercentDropPerTap_NackUnionBesideFecParity_AllByteExact()
    {
        var failures = new List<string>();
        var runs = new List<ThreeMachineRun>();
        var clock = Stopwatch.StartNew();
        foreach (bool fec in new[] { false, true })
        {
            string label = fec ? "with --fec true" : "without FEC";
            try
            {
                ThreeMachineRun run = await RunAsync(fec);
                runs.Add(run);
                failures.AddRange(Check(run).Select(f => label + ": " + f));
            }
            catch (Exception e)
            {
                failures.Add($"{label}: {e.GetType().Name}: {e.Message}");
            }
        }

        string text = Header() + Table(runs) + CodecLine()
            + F("# whole benchmark: {0:F0} s (each run: machines started -> all three exited, 20 s gather window included)\n", clock.Elapsed.TotalSeconds);
        _output.WriteLine(text);
        Directory.CreateDirectory(TestEnvironment.Repo.FiguresDir);
        File.WriteAllText(Path.Combine(TestEnvironment.Repo.FiguresDir, "fec-recovery.txt"), text);
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    /// <summary>
    /// One three-machine recovery (MultiMachineRecoveryTests' arrangement: the manager starts once all three look for a
    /// donor, 20 s gather) with the drop rule on every tap; the manager's status is read once its session is Finished.
    /// </summary>
    private static async Task<ThreeMachineRun> RunAsync(bool fec)
    {
        E2eRecoveryFiles files = await E2eRecoveryFiles.CreateAsync(fec ? "bench-fec-parity" : "bench-fec-nack");
        using E2eSegment segment = E2eSegment.Create();
        var taps = new string[Machines];
        var macs = new string[Machines];
        var runs = new List<QemuRun>();
        var clock = Stopwatch.StartNew();
        try
        {
            for (int i = 0; i < Machines; i++)
            {
                taps[i] = i == 0 ? segment.Tap : segment.AddTap("tap" + (i + 1));
                E2eRecoveryLab.AddRandomDrop(segment.Namespace, taps[i], LossPercent);
                macs[i] = $"52:54:00:fe:c0:{i + 1:x2}";
                QemuMachine machine = segment.Machine(files.Boot($"machine-{i + 1}"), files.BuildEsp($"esp-{i + 1}.img"),
                    E2eRecoveryLab.MachineOemStrings("auto", $"{E2eRecoveryLab.Subnet}.{21 + i}"), E2eRecoveryLab.MachineTimeout,
                    files.InterruptedVarsPath, macs[i], taps[i]);
                runs.Add(machine.Start());
            }
            foreach (QemuRun run in runs)
            {
                SerialLine? discovering = await run.Serial.WaitForLineAsync(new Regex("^RECOVERY PHASE discovering "), TimeSpan.FromMinutes(5));
                Assert.True(discovering != null, "a machine never reached discovery:\n" + run.Serial.Transcript);
            }
            using NamespaceProcess manager = await RecoveryManager.ServeAsync(segment.Namespace,
                E2eRecoveryLab.Serve(files.Images, files.Results, gatherSeconds: 20) with { Fec = fec, StatusHttp = StatusEndpoint });

            var machines = new List<MachineRun>();
            for (int i = 0; i < Machines; i++)
            {
                QemuExit exit = await runs[i].WaitForExitAsync();
                (long toGuest, long fromGuest, _) = E2eRecoveryLab.DropCounters(segment.Namespace, taps[i]);
                machines.Add(new MachineRun(macs[i], exit, runs[i].Serial, toGuest, fromGuest));
            }
            double seconds = clock.Elapsed.TotalSeconds;
            JsonElement? status = await FinishedStatusAsync(segment.Namespace);
            // The status log summarises a finished session once, at its next 5 s tick.
            await WaitForOutputAsync(manager, ImageSentLine, TimeSpan.FromSeconds(12));
            string managerLog = E2eRecoveryLab.SaveManagerLog(files.RunDirectory, manager);
            return new ThreeMachineRun(fec, files, machines, managerLog, status, E2eRecoveryLab.ResultLines(files.Results), seconds);
        }
        finally
        {
            foreach (QemuRun run in runs)
            {
                await run.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// GET /status once every session it lists is Finished (the snapshot is published every 250 ms, so the last DATA may
    /// be missing from an earlier one); a finished session stays listed for a minute. Null if the endpoint never answered.
    /// </summary>
    private static async Task<JsonElement?> FinishedStatusAsync(NetworkNamespace ns)
    {
        JsonElement? last = null;
        for (int attempt = 0; attempt < 40; attempt++)
        {
            HostCommandResult curl = ns.Exec("curl", "-s", "--max-time", "10", "http://" + StatusEndpoint + "/status");
            if (curl.Succeeded && curl.StandardOutput.TrimStart().StartsWith('{'))
            {
                using JsonDocument document = JsonDocument.Parse(curl.StandardOutput);
                last = document.RootElement.Clone();
                JsonElement sessions = last.Value.GetProperty("sessions");
                if (sessions.GetArrayLength() > 0 && sessions.EnumerateArray().All(s => s.GetProperty("state").GetString() == "Finished"))
                {
                    return last;
                }
            }
            await Task.Delay(250);
        }
        return last;
    }

    private static async Task WaitForOutputAsync(NamespaceProcess process, Regex pattern, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !pattern.IsMatch(process.Output))
        {
            await Task.Delay(250);
        }
    }

    /// <summary>What must hold whatever the figures: each machine recovered byte-exact, three successes, one per MAC, one session.</summary>
    private static List<string> Check(ThreeMachineRun run)
    {
        var failures = new List<string>();
        string context = "\nmanager:\n" + run.ManagerLog;
        foreach (MachineRun machine in run.Machines)
        {
            try
            {
                E2eRecoveryLab.AssertRecovered(machine.Exit, machine.Serial, run.Files.Payload, run.Files.Results, context, machine.Mac, $"machine {machine.Mac}: ");
                BootAssert.True(machine.ToGuest > 0, machine.Exit, $"machine {machine.Mac}: the drop rule on its tap dropped nothing");
                BootAssert.NotNull(machine.Serial.Find(FecLine), machine.Exit, $"machine {machine.Mac}: a RECOVERY FEC line");
            }
            catch (Exception e)
            {
                failures.Add(e.Message);
            }
        }
        var clientField = new Regex(@"""clientId"":""([0-9a-f:]+)""");
        var sessionField = new Regex(@"""sessionId"":(\d+)");
        if (run.Results.Length != Machines || run.Results.Any(l => !l.Contains("\"outcome\":\"success\",\"code\":0", StringComparison.Ordinal))
            || !run.Results.Select(l => clientField.Match(l).Groups[1].Value).ToHashSet().SetEquals(run.Machines.Select(m => m.Mac)))
        {
            failures.Add("the result log is not three successes, one per machine:\n" + string.Join("\n", run.Results) + context);
        }
        if (run.Results.Select(l => sessionField.Match(l).Groups[1].Value).Distinct().Count() != 1)
        {
            failures.Add("the results name more than one session:\n" + string.Join("\n", run.Results) + context);
        }
        if (run.Status == null)
        {
            failures.Add("the manager's status endpoint never answered" + context);
        }
        return failures;
    }

    private static string Header() =>
        "# FEC figures (issue #15), written by qemu-tests/Bench/FecRecoveryFiguresBenchmarkTests; QEMU TCG, OVMF 2022.11, VirtioNetDxe.\n" +
        "# Three machines, each on its own tap of one bridge with 5 % nftables drop (bridge family, UDP, both directions; unseeded),\n" +
        "#   recovered by one `serve` session in broadcast delivery at 20 Mbit/s (20 s gather; the manager starts once all three look\n" +
        "#   for a donor). Twice in the same test: without FEC (repair = union of the NACKs), then with --fec true (parity per block,\n" +
        "#   docs/protocol.md 5.5); a fresh manager, segment and vars each time. Capsule 541344 bytes = 379 fragments of 1432.\n" +
        "# repair rounds: the session's (GET /status) and each machine's result record; statuses: the machine's RECOVERY REPAIR lines.\n" +
        "# sent / image: GET /status of the session, (DATA + MANIFEST + PARITY bytes, headers included) / image size, as\n" +
        "#   `uefirecovery-manager benchmark` counts; the status log's 'x image sent' counts DATA only and is quoted as printed.\n" +
        "# One run each on a shared 2-core host: the loss differs between the two runs, figures vary run to run; none is asserted.\n";

    private static string Table(List<ThreeMachineRun> runs)
    {
        var text = new StringBuilder();
        foreach (ThreeMachineRun run in runs)
        {
            text.Append("== ").Append(run.Fec ? "with --fec true" : "without FEC").Append(F(" (run took {0:F0} s)\n", run.Seconds));
            text.Append("  ").Append(SessionFigures(run)).Append('\n');
            Match summary = ImageSentLine.Match(run.ManagerLog);
            text.Append("  status log: ").Append(summary.Success ? summary.Value : "no session summary line").Append('\n');
            // The manager's log says "late join" for any ACCEPT after a session's first, even while it gathers: count those after.
            int lateJoins = LateJoin.Matches(run.ManagerLog).Count;
            if (lateJoins > 0)
            {
                text.Append(F("  NOTE: {0} ACCEPT(s) joined after pass 0 began (what the late joiner missed inflates both figures)\n", lateJoins));
            }
            foreach (MachineRun machine in run.Machines)
            {
                Match record = new Regex(@"""clientId"":""" + Regex.Escape(machine.Mac) + @""".*""repairRounds"":(\d+)")
                    .Match(string.Join("\n", run.Results));
                int statuses = machine.Serial.Lines.Count(l => l.Text.StartsWith("RECOVERY REPAIR ", StringComparison.Ordinal));
                text.Append(F("  {0}: dropped to/from it {1}/{2}; result record repairRounds {3}; statuses {4}; {5}\n",
                    machine.Mac, machine.ToGuest, machine.FromGuest, record.Success ? record.Groups[1].Value : "?", statuses,
                    machine.Serial.Find(FecLine)?.Text ?? "no RECOVERY FEC line"));
            }
        }
        if (runs.Count == 2 && runs[0].Status != null && runs[1].Status != null)
        {
            (int nackRounds, double nackRatio) = Totals(runs[0]);
            (int fecRounds, double fecRatio) = Totals(runs[1]);
            text.Append(F("== side by side: repair rounds {0} without FEC, {1} with; sent / image {2:F3} without, {3:F3} with ({4})\n",
                nackRounds, fecRounds, nackRatio, fecRatio,
                fecRatio < nackRatio && fecRounds <= nackRounds ? "FEC fewer bytes, no more rounds in this run"
                : fecRatio >= nackRatio && fecRounds >= nackRounds ? "FEC NOT better in this run"
                : "mixed in this run"));
        }
        return text.ToString();
    }

    private static string SessionFigures(ThreeMachineRun run)
    {
        if (run.Status == null)
        {
            return "no status from the manager";
        }
        var parts = new List<string>();
        foreach (JsonElement s in run.Status.Value.GetProperty("sessions").EnumerateArray())
        {
            double image = s.GetProperty("imageSize").GetInt64();
            long data = s.GetProperty("dataBytesSent").GetInt64();
            long manifest = s.GetProperty("manifestBytesSent").GetInt64();
            long parity = s.GetProperty("parityBytesSent").GetInt64();
            parts.Add(F("session {0:x8}: {1}, repair rounds {2}, pass {3}; sent / image {4:F3} (DATA {5:F3} in {6} datagrams, MANIFEST {7:F3}, PARITY {8:F3} in {9} datagrams)",
                s.GetProperty("sessionId").GetUInt32(), s.GetProperty("state").GetString(), s.GetProperty("repairRounds").GetInt32(), s.GetProperty("pass").GetInt32(),
                (data + manifest + parity) / image, data / image, s.GetProperty("dataDatagramsSent").GetInt64(), manifest / image, parity / image,
                s.GetProperty("parityDatagramsSent").GetInt64()));
        }
        return parts.Count == 0 ? "no session in the status" : string.Join("; ", parts);
    }

    /// <summary>Repair rounds and sent / image over every session the status lists (one, when the run is sound).</summary>
    private static (int Rounds, double Ratio) Totals(ThreeMachineRun run)
    {
        int rounds = 0;
        double ratio = 0;
        foreach (JsonElement s in run.Status!.Value.GetProperty("sessions").EnumerateArray())
        {
            rounds += s.GetProperty("repairRounds").GetInt32();
            ratio += (s.GetProperty("dataBytesSent").GetInt64() + s.GetProperty("manifestBytesSent").GetInt64() + s.GetProperty("parityBytesSent").GetInt64())
                / (double)s.GetProperty("imageSize").GetInt64();
        }
        return (rounds, ratio);
    }

    /// <summary>
    /// The codec inside OVMF, not measured again: CoreTestBootTests' <c>CORETEST TIME fec</c> line from
    /// artifacts/figures/ovmf-verify.txt (written by the coretest run of the same CI run, or an earlier one; its date is quoted).
    /// </summary>
    private static string CodecLine()
    {
        string path = Path.Combine(TestEnvironment.Repo.FiguresDir, "ovmf-verify.txt");
        if (!File.Exists(path))
        {
            return "# in-firmware FEC codec: not measured here; artifacts/figures/ovmf-verify.txt does not exist (the coretest run writes it)\n";
        }
        string[] lines = File.ReadAllLines(path);
        string? fec = lines.FirstOrDefault(l => l.StartsWith("CORETEST TIME fec ", StringComparison.Ordinal));
        if (fec == null)
        {
            return "# in-firmware FEC codec: no CORETEST TIME fec line in artifacts/figures/ovmf-verify.txt\n";
        }
        Match date = Regex.Match(lines[0], @"\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ");
        Match decode = Regex.Match(fec, @"decode-(\d+)-of-64 runs=(\d+) total_ms=(\d+)");
        string perBlock = decode.Success && int.Parse(decode.Groups[2].Value, CultureInfo.InvariantCulture) > 0
            ? F("; = {0:F1} ms per block with {1} of 64 missing ({2:F2} MB/s of fragments restored; 10 ms timer ticks)",
                double.Parse(decode.Groups[3].Value, CultureInfo.InvariantCulture) / int.Parse(decode.Groups[2].Value, CultureInfo.InvariantCulture),
                decode.Groups[1].Value,
                int.Parse(decode.Groups[1].Value, CultureInfo.InvariantCulture) * 1432.0 * int.Parse(decode.Groups[2].Value, CultureInfo.InvariantCulture)
                    / Math.Max(1, int.Parse(decode.Groups[3].Value, CultureInfo.InvariantCulture)) / 1000.0)
            : "";
        return "# in-firmware FEC codec (not measured here: the coretest figure of artifacts/figures/ovmf-verify.txt"
            + (date.Success ? ", " + date.Value : "") + "):\n#   " + fec + perBlock + "\n";
    }

    private static string F(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);

    private sealed record MachineRun(string Mac, QemuExit Exit, SerialLog Serial, long ToGuest, long FromGuest);

    private sealed record ThreeMachineRun(bool Fec, E2eRecoveryFiles Files, IReadOnlyList<MachineRun> Machines, string ManagerLog,
        JsonElement? Status, string[] Results, double Seconds);
}
