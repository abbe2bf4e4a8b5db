using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Firmware;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.QemuTests.Recovery;
using UefiRecovery.Testbed.Firmware;
using UefiRecovery.Testbed.Qemu;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.QemuTests.Bench;

/// <summary>
/// Issue #11's figures, side by side in one run: a full recovery (real manager, 1 s gather window) of an
/// interrupted region in changed-blocks and in all-blocks mode, app start to flash written and the write phase
/// alone, for (a) a region that differs from the image in one block (the image is the region as the app sees it
/// with the damaged block restored) and (b) the interrupted region against Debian's pristine vars (OVMF's own
/// boot writes make blocks 0-4 differ too). Host serial clock; the app's own firmware-clock figure beside it.
/// Timings are never asserted; each recovery must end byte-exact. Written to artifacts/figures/flash-write.txt.
/// Needs root; otherwise skipped.
/// </summary>
[Trait("Category", "Benchmark")]
[Collection(BenchmarkCollection.Name)]
public sealed class FlashWriteFiguresBenchmarkTests
{
    private static readonly Regex PhaseWriting = new(@"^RECOVERY PHASE writing ");

    private readonly ITestOutputHelper _output;

    public FlashWriteFiguresBenchmarkTests(ITestOutputHelper output) => _output = output;

    [RootFact]
    public async Task FlashWriteFigures_ChangedBesideAllBlocks_RecoveredByteExact()
    {
        using FlashWriteLab lab = FlashWriteLab.Create("bench-flash-write");
        byte[] pristine = FirmwareBoot.PristineVars();
        byte[] start = InterruptedRecovery.DamageRegion(pristine);
        byte[] seen = await lab.CaptureAppTimeRegionAsync("0-capture", start);
        byte[] oneBlock = (byte[])seen.Clone();
        Array.Copy(pristine, InterruptedRecovery.GarbageOffset, oneBlock, InterruptedRecovery.GarbageOffset, InterruptedRecovery.GarbageLength);

        var report = new StringBuilder();
        var failures = new List<string>();
        report.Append("# flash write figures (issue #11): full recovery with the real manager (--gather 1), QEMU 7.2 TCG, OVMF 2022.11, 132 x 4 KiB NV region\n");
        report.Append("# app start -> flash written and the write phase (RECOVERY PHASE writing -> RECOVERY WRITE) on the host's serial clock;\n");
        report.Append("# app-ms: the app's own firmware clock from marker in-progress to complete (10 ms ticks, slow under load)\n");
        foreach ((string label, byte[] image) in new[] { ("(a) differs in 1 block", oneBlock), ("(b) interrupted region vs pristine vars", pristine) })
        {
            report.Append("== ").Append(label).Append(": blocks differing when the app compares: ").Append(E2eRecoveryLab.DifferingBlocks(image, seen)).Append('\n');
            var pair = new Dictionary<string, FlashWriteRun>();
            foreach (string mode in new[] { "changed", "all" })
            {
                string name = (label.StartsWith("(a)", StringComparison.Ordinal) ? "a-" : "b-") + mode;
                await lab.ServeAsync(name + "-serve", image, gatherSeconds: 1);
                FlashWriteRun run = await lab.RecoverAsync(name, start, mode);
                pair[mode] = run;
                bool exact = run.VarsAfter.AsSpan().SequenceEqual(image);
                if (!run.Recovered || !exact)
                {
                    failures.Add($"{label} {mode}: recovered={run.Recovered} byte-exact={exact}\n{run.Exit.Describe()}\nmanager:\n{lab.ManagerOutput}");
                }
                report.Append("  ").Append(Describe(mode, run)).Append('\n');
            }
            double? changedWrite = WritePhase(pair["changed"]);
            double? allWrite = WritePhase(pair["all"]);
            if (changedWrite != null && allWrite != null && changedWrite > 0)
            {
                report.Append(F("  ratio all ÷ changed: write phase {0:F1}, app start -> flash written {1:F2}\n",
                    allWrite / changedWrite, AppToWritten(pair["all"]) / AppToWritten(pair["changed"])));
            }
        }

        string text = report.ToString();
        _output.WriteLine(text);
        Directory.CreateDirectory(TestEnvironment.Repo.FiguresDir);
        File.WriteAllText(Path.Combine(TestEnvironment.Repo.FiguresDir, "flash-write.txt"), text);
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    private static string Describe(string mode, FlashWriteRun run)
    {
        SerialTimeline timeline = SerialTimeline.From(run.Serial);
        return F("{0,-7}: app start -> flash written {1}; write phase {2} (app-ms {3}); {4}; {5}", mode,
            Seconds(AppToWritten(run)), Seconds(WritePhase(run)), run.AppWriteMs,
            run.Write == null ? "no RECOVERY WRITE" : run.Write.Text.Substring("RECOVERY WRITE ".Length),
            run.Detail == null ? "" : run.Detail.Text.Substring("RECOVERY WRITE-DETAIL ".Length, run.Detail.Text.IndexOf(" region-sha256", StringComparison.Ordinal) - "RECOVERY WRITE-DETAIL ".Length))
            + (timeline.Done ? "" : " NOT RECOVERED");
    }

    private static double? AppToWritten(FlashWriteRun run)
    {
        SerialTimeline timeline = SerialTimeline.From(run.Serial);
        return timeline.AppStart == null || timeline.Written == null ? null : timeline.Written - timeline.AppStart;
    }

    private static double? WritePhase(FlashWriteRun run)
    {
        double? start = run.Serial.Find(PhaseWriting)?.Elapsed.TotalSeconds;
        double? end = SerialTimeline.From(run.Serial).Written;
        return start == null || end == null ? null : end - start;
    }

    private static string Seconds(double? value) => value == null ? "?" : F("{0:F2} s", value.Value);

    private static string F(string format, params object?[] values) => string.Format(CultureInfo.InvariantCulture, format, values);
}
