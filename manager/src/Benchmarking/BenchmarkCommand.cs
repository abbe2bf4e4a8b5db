using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Threading.Tasks;
using UefiRecovery.Manager.Cli;

namespace UefiRecovery.Manager.Benchmarking;

/// <summary>
/// `benchmark`: figures, not pass/fail. Needs root (it builds network namespaces, prefix "mgr", and
/// deletes them afterwards), uftp/uftpd, tftpd-hpa and atftp.
/// </summary>
public static class BenchmarkCommand
{
    public static Command Build()
    {
        var size = new Option<double>("--size-mib") { HelpName = "MIB", Description = "Payload size in MiB.", DefaultValueFactory = _ => 32 };
        var clients = new Option<int>("--clients") { HelpName = "N", Description = "Machines in the many-machine runs.", DefaultValueFactory = _ => 20 };
        var rate = new Option<double>("--rate") { HelpName = "MBIT/S", Description = "Pacing for this protocol and uftp, Mbit/s (0 = unpaced: ours unpaced, uftp -R -1).", DefaultValueFactory = _ => 1000 };
        var losses = new Option<string>("--loss") { HelpName = "PERCENT,...", Description = "Loss percentages for the repair-cost runs.", DefaultValueFactory = _ => "0,1,5,10" };
        var skipUftp = new Option<bool>("--skip-uftp") { Description = "Do not run uftp." };
        var skipTftp = new Option<bool>("--skip-tftp") { Description = "Do not run TFTP." };
        var work = new Option<string?>("--work") { HelpName = "DIR", Description = "Keep inputs, outputs and reports in this folder (default: a temp folder, deleted)." };
        var report = new Option<string?>("--report") { HelpName = "FILE|-", Description = "Write the JSON report to this file; '-' (or --json) prints it on stdout (progress and summary then go to stderr)." };
        var repeat = new Option<int>("--repeat") { HelpName = "N", Description = "Runs of each 1-machine figure (ours, uftp, lossless TFTP); the median run is reported.", DefaultValueFactory = _ => 3 };

        var compareFec = new Option<bool>("--compare-fec") { HelpName = "true|false", Description = "Repeat the repair-cost runs against a manager with --fec and print both side by side.", DefaultValueFactory = _ => true };
        var compareProactive = new Option<bool>("--compare-proactive") { HelpName = "true|false", Description = "With --compare-fec: the repair-cost runs once more with --fec-proactive at the share `plan` gives for the machines and each loss (parity in pass 0).", DefaultValueFactory = _ => true };
        var repairOnly = new Option<bool>("--repair-only") { Description = "Only the repair-cost runs (the --loss list, with and without FEC): no 1-machine, lossless or uftp/TFTP comparisons of time." };
        var sendBatch = new Option<bool>("--send-batch") { HelpName = "true|false", Description = "The manager sends group DATA in sendmmsg batches (false: one sendto per datagram, for comparison).", DefaultValueFactory = _ => true };
        var modelSweep = new Option<bool>("--model-sweep") { HelpName = "true|false", Description = "Also run the fleet model's time(N)/time(1) for N = 1 .. 10000 at 1 % loss and 1 Gbit/s (a few minutes, no root needed for it: plan --sweep runs it alone).", DefaultValueFactory = _ => true };
        var command = new Command("benchmark", "Measure this protocol against uftp and TFTP on a private veth/bridge network (needs root).\n\nExample:\n  uefirecovery-manager benchmark --size-mib 32 --clients 20 --loss 0,1,5 --report bench.json");
        foreach (Option option in new Option[] { size, clients, rate, losses, skipUftp, skipTftp, work, report, repeat, sendBatch, compareFec, compareProactive, repairOnly, modelSweep }) command.Options.Add(option);
        command.SetAction(async (parse, cancellationToken) =>
        {
            TextWriter stderr = parse.InvocationConfiguration.Error;
            if (!Environment.IsPrivilegedProcess)
            {
                stderr.WriteLine("benchmark: needs root: it creates network namespaces, veth pairs and a bridge (ip netns), and removes them after");
                return ExitCodes.MissingPrerequisite;
            }
            var lossList = new List<double>();
            foreach (string part in parse.GetValue(losses)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double p) || p < 0 || p >= 100)
                {
                    stderr.WriteLine("benchmark: --loss takes percentages 0..99");
                    return ExitCodes.Usage;
                }
                lossList.Add(p);
            }
            var options = new BenchmarkOptions((long)(parse.GetValue(size) * 1024 * 1024), parse.GetValue(clients), parse.GetValue(rate), lossList,
                parse.GetValue(skipUftp), parse.GetValue(skipTftp), parse.GetValue(work), Math.Max(1, parse.GetValue(repeat)), parse.GetValue(sendBatch),
                parse.GetValue(compareFec), parse.GetValue(repairOnly), parse.GetValue(modelSweep), parse.GetValue(compareProactive));
            // With the report on stdout, everything else goes to stderr so stdout is one JSON document.
            string? reportTarget = parse.GetValue(report);
            bool json = JsonOutputOption.Requested(parse);
            TextWriter progress = ReportTarget.IsStandardOutput(reportTarget) || json ? Console.Error : Console.Out;
            BenchmarkReport result;
            try
            {
                result = await new BenchmarkRunner(options, progress).RunAsync().ConfigureAwait(false);
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                // A peer program (uftp, in.tftpd, atftp, nft, ip) is not installed.
                stderr.WriteLine("benchmark: cannot run a required program (packages: .ci/packages.txt): " + e.Message);
                return ExitCodes.MissingPrerequisite;
            }
            progress.WriteLine();
            progress.WriteLine(Summary(result));
            if (reportTarget is not null || json)
                await ReportTarget.WriteAsync(reportTarget, json, JsonSerializer.Serialize(result, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }), Console.Out, cancellationToken).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Summary(BenchmarkReport r)
    {
        static string F(double? v) => v is { } x ? x.ToString("0.00", CultureInfo.InvariantCulture) : "n/a";
        return string.Join(Environment.NewLine, new[]
        {
            $"image {r.ImageBytes} bytes, rate {(r.RateMbitPerSecond <= 0 ? "unpaced (uftp -R -1)" : r.RateMbitPerSecond.ToString(CultureInfo.InvariantCulture) + " Mbit/s (ours and uftp)")}, machine: {r.Machine}",
            $"time({r.Clients} machines) / time(1 machine), this protocol: {F(r.ManyToOneTimeRatio)} with a socket and thread per machine, {F(r.ManyToOneTimeRatioSharedSocket)} with one shared group socket (goal <= 1.2; end to end: machines start .. last RESULT acknowledged)",
            $"  transfer phase only (first DATA of the session .. last machine holding every fragment), {r.Clients} machines / 1 machine: {F(r.ManyToOneTransferRatio)} socket per machine, {F(r.ManyToOneTransferRatioSharedSocket)} shared group socket (not the goal's measure; discovery, gather, verification and RESULT excluded)",
            $"our time / uftp time, 1 machine: lossless {F(r.OursToUftpLossless)}, 1% loss {F(r.OursToUftpOnePercent)}",
            LossyUftpLine(r),
            $"our time / TFTP time, 1 machine: lossless {F(r.OursToTftpLossless)}, 1% loss {F(r.OursToTftpOnePercent)}",
            $"our time / TFTP time, {r.Clients} machines (TFTP: parallel unicast): {F(r.OursManyToTftpManyLossless)}",
            "(a ratio below 1 means this protocol was faster)",
            RepairCostTable(r),
            ModelTable(r),
        });
    }

    private static string LossyUftpLine(BenchmarkReport r)
    {
        if (r.OursToUftpLossy is not { Count: > 0 } lossy) return "our time (FEC) / uftp time, 1 machine at 5 % loss or more: n/a (no such --loss, or --skip-uftp)";
        var cells = new List<string>();
        foreach (LossyComparison c in lossy)
            cells.Add(string.Create(CultureInfo.InvariantCulture,
                $"{c.LossPercent}% {(c.Ratio is { } x ? x.ToString("0.00", CultureInfo.InvariantCulture) : "n/a")} ({c.OursSeconds:0.000} s vs {c.UftpSeconds:0.000} s{(c.OursByteExact ? "" : "; ours NOT byte-exact in every run")}{(c.UftpByteExact ? "" : "; uftp NOT byte-exact in every run")})"));
        return "our time (FEC) / uftp time, 1 machine, kernel loss: " + string.Join(", ", cells);
    }

    // The fleet model next to the measured runs (within 20 % is the issue's honesty check), and its sweep.
    private static string ModelTable(BenchmarkReport r)
    {
        var lines = new List<string> { "fleet model (same settings, no measured input) vs measured: end-to-end time / transfer phase / sent per image / repair rounds" };
        static string S(double? v) => v is { } x ? x.ToString("0.000", CultureInfo.InvariantCulture) : "n/a";
        static string D(double? d) => d is { } x ? x.ToString("+0%;-0%;0%", CultureInfo.InvariantCulture) : "n/a";
        foreach (ModelComparison c in r.ModelComparisons ?? Array.Empty<ModelComparison>())
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"  {c.Tool,-24} {c.Clients,3} machines {c.LossPercent,4}%: time {S(c.ModelSeconds)} vs {c.MeasuredSeconds:0.000} ({D(c.SecondsDeviation)}), transfer {S(c.ModelTransferSeconds)} vs {S(c.MeasuredTransferSeconds)} ({D(c.TransferDeviation)}), sent/image {c.ModelSentPerImage:0.000} vs {S(c.MeasuredSentPerImage)}, rounds {c.ModelRepairRounds} vs {c.MeasuredRepairRounds}; STATUS/round max {c.ModelStatusPerRoundMax}"));
        lines.Add("  (measured time includes each machine's SHA-256 of the image and the host's CPU; the model has neither)");
        if (r.ModelSweep is { } sweep) lines.Add(Planning.PlanReport.Sweep(sweep));
        return string.Join(Environment.NewLine, lines);
    }

    // Bytes sent ÷ image, repair rounds and time per loss rate: NACK union, FEC parity and FEC with proactive parity, from the same run.
    private static string RepairCostTable(BenchmarkReport r)
    {
        var lines = new List<string>
        {
            $"repair cost, {r.Clients} machines, per-machine seeded loss: bytes sent / image (repair rounds) wall time",
            "  loss     NACK union                FEC parity                FEC + proactive parity",
        };
        var losses = new SortedSet<double>();
        foreach (var f in r.Figures) if (f.LossPercent > 0 && f.Clients == r.Clients && BenchmarkRunner.IsRepairTool(f.Tool)) losses.Add(f.LossPercent);
        foreach (double loss in losses)
        {
            BenchmarkFigure? nack = null, fec = null, proactive = null;
            foreach (var f in r.Figures)
            {
                if (f.LossPercent != loss || f.Clients != r.Clients || f.LossKind.StartsWith("kernel", StringComparison.Ordinal)) continue;
                if (f.Tool == BenchmarkRunner.NackTool) nack = f;
                if (f.Tool == BenchmarkRunner.FecTool) fec = f;
                if (f.Tool == BenchmarkRunner.ProactiveTool) proactive = f;
            }
            static string Cell(BenchmarkFigure? f) => f?.BytesSentPerImageByte is { } x
                ? string.Create(CultureInfo.InvariantCulture, $"{x:0.000} ({f.RepairRounds}) {f.WallSeconds:0.00} s{(f.AllByteExact ? "" : " NOT byte-exact")}") : "n/a";
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"  {loss,4}%    {Cell(nack),-24}  {Cell(fec),-24}  {Cell(proactive)}"));
        }
        return string.Join(Environment.NewLine, lines);
    }
}
