using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Tasks;
using UefiRecovery.Manager.Planning;

namespace UefiRecovery.Manager.Benchmarking;

/// <summary>
/// The `benchmark` run: one private network (namespaces on a bridge), one signed image, and side by side
/// on the same links: this protocol to 1 and to N machines, uftp (multicast) and TFTP (tftpd-hpa + atftp,
/// blksize 1468) to the same receivers, lossless and with kernel loss (nftables), plus the repair cost of
/// this protocol at several loss rates. Prints a table and writes a JSON report.
/// </summary>
public sealed class BenchmarkRunner(BenchmarkOptions options, TextWriter log)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(10);

    // The discovery timers this run uses, stated in every figure's note: one donor on the segment, and
    // machines started together, so a 50 ms offer window and a 50 ms gather lose no machine and no offer.
    private const string OfferWindowSeconds = "0.05";
    private const string GatherSeconds = "0.05";

    // The repair-cost runs' per-machine loss hits discovery too: a machine whose REQUEST or OFFER is lost asks again
    // after T_req (250 ms, then 500 ms, docs/protocol.md §6.2). With a 50 ms gather it would join pass 0 late and
    // miss a large part of it (a 32 MiB pass takes well under a second here), which is what the default timers
    // prevent in the field (T_offer counted from the first REQUEST, then T_gather). A 1 s gather lets a machine that
    // lost two discovery exchanges in a row still share pass 0, so these runs measure the repair, not a late join.
    private const string LossyGatherSeconds = "1";

    // uftp's timers start from its initial group round-trip time (default 0.5 s); a LAN veth gets 50 ms,
    // the same as our offer window, so its announce phase is not handicapped.
    private const string UftpGrtt = "0.05:0.01:15";
    private readonly List<BenchmarkFigure> _figures = new();
    private string _work = "";
    private string _capsule = "";
    private string _publicKey = "";
    private byte[] _capsuleBytes = Array.Empty<byte>();
    private NetworkLab _lab = null!;
    private NetworkLab.Member _server = null!;
    private NetworkLab.Member _machines = null!;
    private ChildProcess? _serve;
    private string _statusUrl = "";
    private int _runNumber;
    // The running manager's --gather, stated in each figure's note.
    private string _gatherSeconds = GatherSeconds;

    public async Task<BenchmarkReport> RunAsync()
    {
        _work = options.WorkFolder ?? Path.Combine(Path.GetTempPath(), "mgr-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_work);
        await using var lab = await NetworkLab.CreateAsync().ConfigureAwait(false);
        _lab = lab;
        _server = await lab.AddMemberAsync("s").ConfigureAwait(false);
        _machines = await lab.AddMemberAsync("c").ConfigureAwait(false);
        await MakeImageAsync().ConfigureAwait(false);
        try
        {
            await StartServeAsync().ConfigureAwait(false);

            // One unrecorded transfer first: the manager is a long-running daemon, and its first session
            // would otherwise include JIT compilation that a serving manager did long ago.
            await OursAsync(1, 0, kernelLoss: false, record: false, warmUp: true).ConfigureAwait(false);
            BenchmarkFigure? oursOne = null, oursMany = null, oursManyShared = null, oursOneAt1 = null;
            if (!options.RepairOnly)
            {
                oursOne = await MedianAsync(record => OursAsync(1, 0, kernelLoss: false, record: record)).ConfigureAwait(false);
                oursMany = await OursAsync(options.Clients, 0, kernelLoss: false).ConfigureAwait(false);
                oursManyShared = await OursAsync(options.Clients, 0, kernelLoss: false, sharedSocket: true).ConfigureAwait(false);
                oursOneAt1 = await MedianAsync(record => OursAsync(1, 1, kernelLoss: true, record: record)).ConfigureAwait(false);
            }
            await RestartServeAsync(fec: false, LossyGatherSeconds).ConfigureAwait(false);
            foreach (double loss in options.LossPercents.Where(l => l > 0))
                await OursAsync(options.Clients, loss, kernelLoss: false).ConfigureAwait(false);
            if (options.CompareFec)
            {
                // The same repair runs against a manager that offers FEC (docs/protocol.md §5.5): parity per block.
                await RestartServeAsync(fec: true, LossyGatherSeconds).ConfigureAwait(false);
                await OursAsync(1, 0, kernelLoss: false, record: false, warmUp: true, fec: true).ConfigureAwait(false);
                foreach (double loss in options.LossPercents.Where(l => l > 0))
                    await OursAsync(options.Clients, loss, kernelLoss: false, fec: true).ConfigureAwait(false);
                if (options.CompareProactive)
                {
                    // And with parity in pass 0, the share plan --fec-proactive auto gives for these machines at each loss.
                    foreach (double loss in options.LossPercents.Where(l => l > 0))
                    {
                        double share = ProactiveShareFor(loss);
                        await RestartServeAsync(fec: true, LossyGatherSeconds, share).ConfigureAwait(false);
                        await OursAsync(options.Clients, loss, kernelLoss: false, fec: true, proactiveShare: share).ConfigureAwait(false);
                    }
                }
            }

            // The fleet model for the same setups, side by side with what the sockets measured (issue #15's honesty check).
            List<ModelComparison> comparisons = CompareWithModel();
            FleetSweep? sweep = options.ModelSweep ? SweepModel() : null;

            BenchmarkFigure? uftp0 = null, uftp1 = null, tftp0 = null, tftp1 = null, tftpMany = null;
            var lossyUftp = new List<LossyComparison>();
            if (!options.SkipUftp)
            {
                uftp0 = await MedianAsync(record => UftpAsync(0, record)).ConfigureAwait(false);
                uftp1 = await MedianAsync(record => UftpAsync(1, record)).ConfigureAwait(false);
                lossyUftp = await OursAgainstUftpLossyAsync().ConfigureAwait(false);
            }
            if (!options.SkipTftp)
            {
                tftp0 = await MedianAsync(record => TftpAsync(1, 0, record)).ConfigureAwait(false);
                tftp1 = await TftpAsync(1, 1).ConfigureAwait(false);
                tftpMany = await TftpAsync(options.Clients, 0).ConfigureAwait(false);
            }
            return new BenchmarkReport(_capsuleBytes.LongLength, options.RateMbitPerSecond, options.Clients, _figures,
                Ratio(oursMany, oursOne), Ratio(oursOne, uftp0), Ratio(oursOneAt1, uftp1), Ratio(oursOne, tftp0), Ratio(oursOneAt1, tftp1),
                Ratio(oursMany, tftpMany), Ratio(oursManyShared, oursOne), TransferRatio(oursMany, oursOne), TransferRatio(oursManyShared, oursOne), Environment.ProcessorCount + " cores, load " + LoadAverage(),
                comparisons, sweep, lossyUftp);
        }
        finally
        {
            // The manager's log (state transitions with times) stays with the kept work folder.
            if (_serve is not null && options.WorkFolder is not null)
                await File.WriteAllTextAsync(Path.Combine(_work, "serve.log"), _serve.Output).ConfigureAwait(false);
            _serve?.Dispose();
            if (options.WorkFolder is null)
            {
                try { Directory.Delete(_work, recursive: true); } catch (IOException) { }
            }
        }
    }

    // The model of each run of this protocol with one machine or options.Clients machines, lossless or with per-machine
    // seeded loss (the kernel-loss runs drop at the namespace's input, shared by all machines: not what the model does).
    private List<ModelComparison> CompareWithModel()
    {
        var comparisons = new List<ModelComparison>();
        foreach (BenchmarkFigure figure in _figures)
        {
            if (!IsRepairTool(figure.Tool) || figure.LossKind.StartsWith("kernel", StringComparison.Ordinal)) continue;
            if (figure.Clients != 1 && figure.Clients != options.Clients) continue;
            // The repair-cost runs (per-machine loss) ran against a manager gathering LossyGatherSeconds: so does their model.
            string gather = figure.LossPercent > 0 ? LossyGatherSeconds : GatherSeconds;
            FleetScenario scenario = ModelComparison.ScenarioFor(figure.Clients, _capsuleBytes.Length, options.RateMbitPerSecond, figure.LossPercent,
                figure.Tool != NackTool, double.Parse(OfferWindowSeconds, CultureInfo.InvariantCulture), double.Parse(gather, CultureInfo.InvariantCulture))
                with { FecProactive = figure.Tool == ProactiveTool ? ProactiveShareFor(figure.LossPercent) : 0 };
            ModelComparison c = ModelComparison.For(figure, scenario);
            comparisons.Add(c);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"model of {c.Tool,-26} clients {c.Clients,3}  loss {c.LossPercent,4}%: time {Seconds(c.ModelSeconds)} (measured {c.MeasuredSeconds:0.000}, {Percent(c.SecondsDeviation)})  transfer {Seconds(c.ModelTransferSeconds)} (measured {Seconds(c.MeasuredTransferSeconds)}, {Percent(c.TransferDeviation)})  sent/image {c.ModelSentPerImage:0.000} (measured {Seconds(c.MeasuredSentPerImage)})  repair rounds {c.ModelRepairRounds} (measured {c.MeasuredRepairRounds})"));
        }
        return comparisons;
    }

    // Issue #15: ours (FEC, the manager's normal gather) against uftp with one machine at the run's lossy rates of 5 %
    // and more, the loss in the kernel at the machine's input for both, each the median of --repeat runs, side by side.
    private async Task<List<LossyComparison>> OursAgainstUftpLossyAsync()
    {
        var lossy = new List<LossyComparison>();
        double[] losses = options.LossPercents.Where(l => l >= 5).ToArray();
        if (losses.Length == 0) return lossy;
        await RestartServeAsync(fec: true, GatherSeconds).ConfigureAwait(false);
        await OursAsync(1, 0, kernelLoss: false, record: false, warmUp: true, fec: true).ConfigureAwait(false);
        foreach (double loss in losses)
        {
            BenchmarkFigure ours = await MedianAsync(record => OursAsync(1, loss, kernelLoss: true, record: record, fec: true)).ConfigureAwait(false);
            BenchmarkFigure uftp = await MedianAsync(record => UftpAsync(loss, record)).ConfigureAwait(false);
            lossy.Add(new LossyComparison(loss, ours.WallSeconds, uftp.WallSeconds, Ratio(ours, uftp), ours.AllByteExact, uftp.AllByteExact));
        }
        return lossy;
    }

    // The issue's figure: the model's time(N)/time(1) at 1 % loss per machine and 1 Gbit/s, this run's rate, image and timers.
    private FleetSweep SweepModel()
    {
        FleetScenario scenario = ModelComparison.ScenarioFor(1, _capsuleBytes.Length, options.RateMbitPerSecond, 1, fec: false,
            double.Parse(OfferWindowSeconds, CultureInfo.InvariantCulture), double.Parse(GatherSeconds, CultureInfo.InvariantCulture)) with
        {
            LinkMbitPerSecond = 1000,
            DonorLinkMbitPerSecond = 1000,
            Latency = TimeSpan.FromMilliseconds(0.1),
            LossTowardDonor = 0.01,
        };
        FleetSweep sweep = FleetSweep.Run(scenario, PlanCommand.SweepMachines, n => log.WriteLine("model sweep: " + n + " machine(s) ..."));
        log.WriteLine(PlanReport.Sweep(sweep));
        return sweep;
    }

    private static string Seconds(double? value) => value is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "n/a";

    private static string Percent(double? deviation) => deviation is { } d ? d.ToString("+0%;-0%;0%", CultureInfo.InvariantCulture) : "n/a";

    // In the many-machine runs every receiver (ours, atftp) runs at nice 10: on one host the N simulated
    // machines must not starve the sender of CPU, which on a real network has a machine of its own. A
    // single receiver (ours, uftpd, atftp alike) cannot starve it and runs at normal priority: at nice 10
    // on a busy shared host it got a tenth of a normal thread's share and measured the host, not the tool.
    private static IEnumerable<string> Receiver(IEnumerable<string> command, int receivers) =>
        receivers > 1 ? new[] { "nice", "-n", "10" }.Concat(command) : command;

    private static double? Ratio(BenchmarkFigure? ours, BenchmarkFigure? theirs) =>
        ours is null || theirs is null || theirs.WallSeconds <= 0 ? null : ours.WallSeconds / theirs.WallSeconds;

    private static double? TransferRatio(BenchmarkFigure? many, BenchmarkFigure? one) =>
        many?.Phases is { } m && one?.Phases is { } o && o.Transfer > 0 ? m.Transfer / o.Transfer : null;

    // CPU seconds of a process, its threads included (what `simulate` reports for itself); null once it is gone.
    private static double? ProcessCpuSeconds(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return process.TotalProcessorTime.TotalSeconds;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static double Median(List<double> values)
    {
        if (values.Count == 0) return double.NaN;
        values.Sort();
        return values[values.Count / 2];
    }

    // The phases of one simulate report (see BenchmarkPhases); machines that skipped a step are left out of its figures.
    private static BenchmarkPhases? PhasesOf(JsonElement report, double? donorCpu)
    {
        var discovery = new List<double>();
        var gather = new List<double>();
        var verify = new List<double>();
        var result = new List<double>();
        foreach (var r in report.GetProperty("results").EnumerateArray())
        {
            JsonElement p = r.GetProperty("phases");
            double? At(string name) => p.GetProperty(name).ValueKind == JsonValueKind.Number ? p.GetProperty(name).GetDouble() : null;
            double started = p.GetProperty("started").GetDouble();
            if (At("acceptSent") is { } accept)
            {
                discovery.Add(accept - started);
                if (At("firstData") is { } data) gather.Add(data - accept);
            }
            if (At("allFragmentsHeld") is { } held && At("verified") is { } verified)
            {
                verify.Add(verified - held);
                if (At("resultAcknowledged") is { } ack) result.Add(ack - verified);
            }
        }
        if (report.GetProperty("transferSeconds").ValueKind != JsonValueKind.Number) return null;
        return new BenchmarkPhases(Median(discovery), discovery.DefaultIfEmpty(double.NaN).Max(), Median(gather), gather.DefaultIfEmpty(double.NaN).Max(),
            report.GetProperty("transferSeconds").GetDouble(), Median(verify), verify.DefaultIfEmpty(double.NaN).Max(), Median(result), result.DefaultIfEmpty(double.NaN).Max(),
            report.GetProperty("cpuSeconds").GetDouble(), report.GetProperty("kernelCpuSeconds").GetDouble(), donorCpu);
    }

    private static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; }
        catch (IOException) { return "?"; }
    }

    // A fresh RSA-2048 key signs a seeded random payload with this manager's own `image pack`.
    private async Task MakeImageAsync()
    {
        string images = Directory.CreateDirectory(Path.Combine(_work, "images")).FullName;
        string privateKey = Path.Combine(_work, "bench-key.pem");
        _publicKey = Path.Combine(_work, "bench-key.pub.pem");
        using (RSA rsa = RSA.Create(2048))
        {
            await File.WriteAllTextAsync(privateKey, rsa.ExportPkcs8PrivateKeyPem()).ConfigureAwait(false);
            await File.WriteAllTextAsync(_publicKey, rsa.ExportSubjectPublicKeyInfoPem()).ConfigureAwait(false);
        }
        string payload = Path.Combine(_work, "payload.bin");
        var bytes = new byte[options.ImageBytes];
        new Random(20261121).NextBytes(bytes);
        await File.WriteAllBytesAsync(payload, bytes).ConfigureAwait(false);
        _capsule = Path.Combine(images, "fw.cap");
        var pack = await ChildProcess.RunAsync(null, ChildProcess.Self().Concat(new[]
        {
            "image", "pack", "--payload", payload, "--image-type", BenchmarkOptions.ImageType, "--version", "0x10002", "--lsv", "0x10000",
            "--key", privateKey, "-o", _capsule, "--max-image-size", MaxImageSize,
        }), RunTimeout).ConfigureAwait(false);
        if (pack.ExitCode != 0) throw new InvalidOperationException("image pack failed:\n" + pack.Output);
        File.Delete(payload);
        _capsuleBytes = await File.ReadAllBytesAsync(_capsule).ConfigureAwait(false);
        log.WriteLine($"image: {_capsuleBytes.Length} bytes (signed capsule of a {options.ImageBytes}-byte payload)");
    }

    // The capsule is the payload plus a few KiB of headers and signature: --size-mib may exceed the default cap.
    private string MaxImageSize => (options.ImageBytes + (1 << 20)).ToString(CultureInfo.InvariantCulture);

    private async Task RestartServeAsync(bool fec, string gatherSeconds, double proactiveShare = 0)
    {
        if (_serve is not null && options.WorkFolder is not null)
            await File.WriteAllTextAsync(Path.Combine(_work, "serve-" + (++_serveLogs).ToString(CultureInfo.InvariantCulture) + ".log"), _serve.Output).ConfigureAwait(false);
        _serve?.Dispose();
        _serve = null;
        await StartServeAsync(fec, gatherSeconds, proactiveShare).ConfigureAwait(false);
    }

    private int _serveLogs;

    // The share `plan --fec-proactive auto` gives for the run's machines, the image and a loss of lossPercent.
    private double ProactiveShareFor(double lossPercent) =>
        new FleetScenario { Machines = options.Clients, ImageBytes = _capsuleBytes.Length, LossTowardMachines = lossPercent / 100 }.FleetProactiveShare;

    private async Task StartServeAsync(bool fec = false, string gatherSeconds = GatherSeconds, double proactiveShare = 0)
    {
        _gatherSeconds = gatherSeconds;
        _serve = ChildProcess.Start(_server.Namespace, ChildProcess.Self().Concat(new[]
        {
            "serve", "--images", Path.GetDirectoryName(_capsule)!, "--listen", "0.0.0.0:40123", "--delivery", "broadcast",
            "--destination", _lab.BroadcastAddress, "--trusted", _publicKey, "--status-http", "127.0.0.1:0",
            "--results", Path.Combine(_work, "results.jsonl"), "--gather", gatherSeconds,
            "--rate", options.RateMbitPerSecond.ToString(CultureInfo.InvariantCulture), "--live", "false",
            "--send-batch", options.SendBatch ? "true" : "false", "--max-image-size", MaxImageSize, "--fec", fec ? "true" : "false",
            "--fec-proactive", (proactiveShare * 100).ToString("0.####", CultureInfo.InvariantCulture) + "%",
        }));
        if (proactiveShare > 0) log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"manager restarted with --fec-proactive {proactiveShare * 100:0.##}% (parity in pass 0, docs/protocol.md §5.5)"));
        if (fec) log.WriteLine("manager restarted with --fec true (repair passes answer BLOCK COUNTS with parity, docs/protocol.md §5.5)");
        if (gatherSeconds != GatherSeconds) log.WriteLine("manager: --gather " + gatherSeconds + " s for the repair-cost runs (a machine that lost its REQUEST or OFFER still shares pass 0)");
        log.WriteLine("manager: group DATA sent " + (options.SendBatch ? "in sendmmsg batches of up to 32" : "one sendto per datagram (--send-batch false)"));
        string ready = await _serve.WaitForLineAsync("ready udp=", TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        _statusUrl = ready[(ready.IndexOf("http=", StringComparison.Ordinal) + 5)..].TrimEnd('/') + "/status";
    }

    private async Task<BenchmarkFigure> OursAsync(int clients, double lossPercent, bool kernelLoss, bool sharedSocket = false, bool record = true, bool warmUp = false, bool fec = false,
        double proactiveShare = 0)
    {
        string label = $"ours-{clients}-{lossPercent.ToString(CultureInfo.InvariantCulture)}{(kernelLoss ? "k" : "")}{(sharedSocket ? "-shared" : "")}{(fec ? "-fec" : "")}{(proactiveShare > 0 ? "-proactive" : "")}{(warmUp ? "-warmup" : "")}";
        if (kernelLoss && lossPercent > 0) await NetworkLab.AddInboundLossAsync(_machines, _server.Address, (int)(lossPercent * 10)).ConfigureAwait(false);
        try
        {
            string report = Path.Combine(_work, label + "-" + (++_runNumber).ToString(CultureInfo.InvariantCulture) + ".json");
            var args = Receiver(ChildProcess.Self(), clients).Concat(new[]
            {
                "simulate", "--clients", clients.ToString(CultureInfo.InvariantCulture), "--manager", _server.Address + ":40123",
                "--bind", _machines.Address, "--delivery-modes", "broadcast", "--offer-window", OfferWindowSeconds,
                "--report", report, "--timeout", RunTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture), "--seed", "7",
            }).ToList();
            if (sharedSocket) args.Add("--shared-group-socket");
            if (!kernelLoss && lossPercent > 0)
            {
                args.Add("--faults");
                args.Add(string.Create(CultureInfo.InvariantCulture, $"drop={lossPercent / 100},seed=5"));
            }
            double? donorCpuBefore = ProcessCpuSeconds(_serve!.Id);
            var run = await ChildProcess.RunAsync(_machines.Namespace, args, RunTimeout + TimeSpan.FromMinutes(1)).ConfigureAwait(false);
            double? donorCpu = ProcessCpuSeconds(_serve.Id) - donorCpuBefore;
            using JsonDocument doc = JsonDocument.Parse(await File.ReadAllTextAsync(report).ConfigureAwait(false));
            var results = doc.RootElement.GetProperty("results").EnumerateArray().ToList();
            string sha = Convert.ToHexStringLower(SHA256.HashData(_capsuleBytes));
            bool exact = run.ExitCode == 0 && results.All(r => r.GetProperty("succeeded").GetBoolean() && r.GetProperty("imageSha256").GetString() == sha);
            double wall = doc.RootElement.GetProperty("wallSeconds").GetDouble();
            uint sessionId = results[0].GetProperty("sessionId").GetUInt32();
            (double sentRatio, int rounds, double donorRate, double manifestRatio) = await SessionCostAsync(sessionId).ConfigureAwait(false);
            string tool = sharedSocket ? "ours (broadcast, shared group socket)" : proactiveShare > 0 ? ProactiveTool : fec ? FecTool : NackTool;
            var figure = new BenchmarkFigure(tool, clients, lossPercent, lossPercent == 0 ? "none" : kernelLoss ? "kernel nftables, shared" : "per machine, seeded",
                wall, _capsuleBytes.Length / wall / 1e6, exact, sentRatio, rounds,
                string.Create(CultureInfo.InvariantCulture, $"donor DATA rate while sending {donorRate:0.00} MB/s, MANIFEST bytes {manifestRatio * 100:0.00} % of the image (in sent/image); ")
                + (sharedSocket ? "receive: ONE socket for all machines, each batch handed to every engine in turn on one thread (each engine still CRC-checks, parses and copies every datagram); " : "receive: a group socket and a thread per machine; ")
                + "wall = machines start .. last RESULT acknowledged (discovery, " + OfferWindowSeconds + " s offer window, " + _gatherSeconds + " s gather and the SHA-256 image-id check included; capsule signature checks are left to the tests so 20 simulated machines on one host measure the protocol, not 20 RSA/SHA passes)",
                PhasesOf(doc.RootElement, donorCpu));
            if (record) Add(figure);
            return figure;
        }
        finally
        {
            if (kernelLoss && lossPercent > 0) await NetworkLab.RemoveInboundLossAsync(_machines).ConfigureAwait(false);
        }
    }

    /// <summary>The tool names of the repair-cost runs without and with FEC (the summary pairs them by loss).</summary>
    public const string NackTool = "ours (broadcast)";
    public const string FecTool = "ours (broadcast, FEC)";
    public const string ProactiveTool = "ours (broadcast, FEC, proactive)";

    /// <summary>The repair-cost runs' tools (per-machine loss, compared by loss and with the model).</summary>
    public static bool IsRepairTool(string tool) => tool is NackTool or FecTool or ProactiveTool;

    // DATA, PARITY and MANIFEST bytes (headers included) the donor sent for the session, per image byte, its repair
    // rounds, and the MANIFEST part alone. The status is a snapshot published every 250 ms: wait for one that
    // shows the session Finished, or the last DATA of the session may be missing from the count.
    private async Task<(double SentRatio, int Rounds, double DonorRate, double ManifestRatio)> SessionCostAsync(uint sessionId)
    {
        (double, int, double, double) last = (double.NaN, -1, double.NaN, double.NaN);
        for (int attempt = 0; attempt < 20; attempt++)
        {
            var curl = await ChildProcess.RunAsync(_server.Namespace, new[] { "curl", "-s", "--max-time", "10", _statusUrl }, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            using JsonDocument status = JsonDocument.Parse(curl.Output);
            foreach (var session in status.RootElement.GetProperty("sessions").EnumerateArray())
            {
                if (session.GetProperty("sessionId").GetUInt32() != sessionId) continue;
                long manifest = session.GetProperty("manifestBytesSent").GetInt64();
                long parity = session.TryGetProperty("parityBytesSent", out JsonElement p) ? p.GetInt64() : 0;
                last = ((session.GetProperty("dataBytesSent").GetInt64() + manifest + parity) / (double)_capsuleBytes.Length, session.GetProperty("repairRounds").GetInt32(),
                    session.GetProperty("throughputMBytesPerSecond").GetDouble(), manifest / (double)_capsuleBytes.Length);
                if (session.GetProperty("state").GetString() == "Finished") return last;
            }
            await Task.Delay(150).ConfigureAwait(false);
        }
        return last;
    }

    private async Task<BenchmarkFigure> UftpAsync(double lossPercent, bool record = true)
    {
        // A fresh folder per run: a repeated run must not find the previous run's file and call it received.
        string outDir = Directory.CreateDirectory(Path.Combine(_work, "uftp-out-" + lossPercent.ToString(CultureInfo.InvariantCulture) + "-" + (++_runNumber).ToString(CultureInfo.InvariantCulture))).FullName;
        string tempDir = Directory.CreateDirectory(outDir + "-tmp").FullName;
        if (lossPercent > 0) await NetworkLab.AddInboundLossAsync(_machines, _server.Address, (int)(lossPercent * 10)).ConfigureAwait(false);
        using var daemon = ChildProcess.Start(_machines.Namespace, Receiver(new[] { "uftpd", "-d", "-D", outDir, "-T", tempDir, "-I", _machines.Interface, "-x", "1" }, 1));
        try
        {
            await Task.Delay(500).ConfigureAwait(false);
            // The same configured rate as ours; 0 (unpaced) is uftp's -R -1 ("as fast as the interface allows").
            string rateKbps = options.RateMbitPerSecond <= 0 ? "-1" : ((long)(options.RateMbitPerSecond * 1000)).ToString(CultureInfo.InvariantCulture);
            var run = await ChildProcess.RunAsync(_server.Namespace, new[] { "uftp", "-I", _server.Interface, "-R", rateKbps, "-r", UftpGrtt, "-x", "1", "fw.cap" },
                RunTimeout, Path.GetDirectoryName(_capsule)).ConfigureAwait(false);
            string received = Path.Combine(outDir, "fw.cap");
            bool exact = run.ExitCode == 0 && File.Exists(received) && File.ReadAllBytes(received).AsSpan().SequenceEqual(_capsuleBytes);
            double wall = run.Elapsed.TotalSeconds;
            var figure = new BenchmarkFigure("uftp 4.10 (multicast)", 1, lossPercent, lossPercent == 0 ? "none" : "kernel nftables", wall,
                _capsuleBytes.Length / wall / 1e6, exact, null, null, "wall = uftp process (announce, register, transfer, completion); -R " + rateKbps + " Kbit/s, -r " + UftpGrtt + " (initial GRTT 50 ms like our offer window, instead of 500 ms)");
            if (record) Add(figure);
            return figure;
        }
        finally
        {
            daemon.Stop();
            if (lossPercent > 0) await NetworkLab.RemoveInboundLossAsync(_machines).ConfigureAwait(false);
        }
    }

    private async Task<BenchmarkFigure> TftpAsync(int clients, double lossPercent, bool record = true)
    {
        string outDir = Directory.CreateDirectory(Path.Combine(_work, $"tftp-out-{clients}-{lossPercent.ToString(CultureInfo.InvariantCulture)}-{++_runNumber}")).FullName;
        if (lossPercent > 0) await NetworkLab.AddInboundLossAsync(_machines, _server.Address, (int)(lossPercent * 10)).ConfigureAwait(false);
        // -T 100000: first retransmission after 100 ms (default 1 s), a fair setting for a LAN.
        using var daemon = ChildProcess.Start(_server.Namespace, new[] { "/usr/sbin/in.tftpd", "-L", "-s", Path.GetDirectoryName(_capsule)!, "-a", _server.Address + ":69", "-T", "100000" });
        try
        {
            await Task.Delay(300).ConfigureAwait(false);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var runs = Enumerable.Range(0, clients).Select(i => ChildProcess.RunAsync(_machines.Namespace,
                Receiver(new[] { "atftp", "--option", "blksize 1468", "-g", "-r", "fw.cap", "-l", Path.Combine(outDir, i.ToString(CultureInfo.InvariantCulture) + ".bin"), _server.Address }, clients),
                RunTimeout)).ToList();
            var done = await Task.WhenAll(runs).ConfigureAwait(false);
            double wall = clock.Elapsed.TotalSeconds;
            bool exact = done.All(d => d.ExitCode == 0) && Enumerable.Range(0, clients).All(i =>
                File.ReadAllBytes(Path.Combine(outDir, i.ToString(CultureInfo.InvariantCulture) + ".bin")).AsSpan().SequenceEqual(_capsuleBytes));
            var figure = new BenchmarkFigure("TFTP (tftpd-hpa + atftp, blksize 1468)", clients, lossPercent, lossPercent == 0 ? "none" : "kernel nftables", wall,
                _capsuleBytes.Length / wall / 1e6, exact, null, null, clients == 1 ? "unpaced lock-step; server retransmit 100 ms" : clients + " transfers in parallel");
            if (record) Add(figure);
            return figure;
        }
        finally
        {
            daemon.Stop();
            if (lossPercent > 0) await NetworkLab.RemoveInboundLossAsync(_machines).ConfigureAwait(false);
        }
    }

    // The 1-machine figures are sub-second, and this host is shared: each tool's 1-machine run is repeated
    // options.Repeat times, and the median run is the figure (its note lists every run), the same for all tools.
    private async Task<BenchmarkFigure> MedianAsync(Func<bool, Task<BenchmarkFigure>> run)
    {
        var runs = new List<BenchmarkFigure>();
        for (int i = 0; i < Math.Max(1, options.Repeat); i++) runs.Add(await run(false).ConfigureAwait(false));
        runs.Sort((a, b) => a.WallSeconds.CompareTo(b.WallSeconds));
        BenchmarkFigure median = runs[runs.Count / 2];
        string all = string.Join(", ", runs.Select(r => r.WallSeconds.ToString("0.00", CultureInfo.InvariantCulture) + (r.AllByteExact ? "" : " (NOT byte-exact)")));
        median = median with
        {
            AllByteExact = runs.All(r => r.AllByteExact),
            Note = median.Note + string.Create(CultureInfo.InvariantCulture, $"; median of {runs.Count} runs: {all} s"),
        };
        Add(median);
        return median;
    }

    private void Add(BenchmarkFigure figure)
    {
        _figures.Add(figure);
        string line = string.Create(CultureInfo.InvariantCulture,
            $"{figure.Tool,-40} clients {figure.Clients,3}  loss {figure.LossPercent,4}% ({figure.LossKind,-26}) wall {figure.WallSeconds,7:0.00} s  {figure.MegabytesPerSecond,7:0.00} MB/s  byte-exact {(figure.AllByteExact ? "yes" : "NO")}");
        if (figure.BytesSentPerImageByte is { } ratio)
            line += string.Create(CultureInfo.InvariantCulture, $"  sent/image {ratio:0.000}  repair rounds {figure.RepairRounds}  ({figure.Note[..figure.Note.IndexOf(';')]})");
        log.WriteLine(line);
        if (figure.Phases is { } p)
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    phases (s, median/slowest machine): discovery {p.DiscoveryMedian:0.000}/{p.DiscoveryMax:0.000}  gather {p.GatherMedian:0.000}/{p.GatherMax:0.000}  TRANSFER (session: first DATA .. all machines hold every fragment) {p.Transfer:0.000}  verify (SHA-256) {p.VerifyMedian:0.000}/{p.VerifyMax:0.000}  RESULT ack {p.ReportMedian:0.000}/{p.ReportMax:0.000}  | CPU s during run: simulate {p.SimulateCpuSeconds:0.00} (kernel {p.SimulateKernelCpuSeconds:0.00}), donor {(p.DonorCpuSeconds is { } d ? d.ToString("0.00", CultureInfo.InvariantCulture) : "n/a")}, wall {figure.WallSeconds:0.00}"));
    }
}
