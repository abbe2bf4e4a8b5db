using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.QemuTests.Network;
using UefiRecovery.QemuTests.Recovery;
using UefiRecovery.Testbed;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.QemuTests.Bench;

/// <summary>
/// Issue #6's figures from one run, per NIC setup, all on the same tap and timed by the host's clock
/// (tcpdump on the tap): the receive ceiling of the app (netdiag, paced lossless and flood), OVMF's own
/// PXE TFTP download of the same capsule bytes (dnsmasq as DHCP+TFTP server; with an iPXE ROM also
/// iPXE's own TFTP, labelled), our recovery transfer at several manager rates, and one full recovery at
/// the best lossless rate (app start to flash written, the flash compared byte for byte), and one recovery from
/// the lab's web server (issue #18's HTTP source, <see cref="HttpRecoveryFigure"/>) with the line HTTP rate ÷ our
/// rate ÷ the receive ceiling. Once per run, no NIC: one recovery from a USB stick (<see cref="UsbReadFigure"/>).
/// Written to artifacts/figures/recovery.txt and the test output. Timings are never asserted; the test fails only
/// when something is wrong: a recovery not byte-exact, a download incomplete, a boot that never got there.
/// The issue #6 phases are in this file; the issue #18 rows in their own classes.
/// Needs root; otherwise skipped. Run with: dotnet test qemu-tests/QemuTests.csproj --filter Category=Benchmark
/// </summary>
[Trait("Category", "Benchmark")]
[Collection(BenchmarkCollection.Name)]
public sealed class RecoveryFiguresBenchmarkTests
{
    private const string Mac = QemuMachineOptions.DefaultMacAddress;
    private const int FrameSize = 1514;

    /// <summary>Image bytes in one of our DATA frames of <see cref="FrameSize"/> bytes (docs/protocol.md §5.2: 1472 − 40).</summary>
    private const int FragmentBytes = 1432;

    private static readonly NicModel[] Models = { NicModel.VirtioNetOvmfDriver, NicModel.VirtioNetIpxe, NicModel.E1000 };
    private static readonly TimeSpan BootTimeout = TimeSpan.FromMinutes(6);
    private static readonly Regex BenchLine = new(
        @"BENCH ok=1 size=\d+ paced-sent=(?<paced>\d+) paced-s=(?<pacedS>[\d.]+) burst=\d+ " +
        @"echo-requests=(?<req>\d+) echo-replies=\d+ echo-s=[\d.]+ window=\d+ " +
        @"flood-sent=(?<sent>\d+) flood-blocked=\d+ flood-s=(?<flood>[\d.]+) drain-s=(?<drain>[\d.]+) " +
        @"answered-after-flood=(?<answered>[01]) syncs=(?<syncs>\d+)");

    private readonly ITestOutputHelper _output;

    public RecoveryFiguresBenchmarkTests(ITestOutputHelper output) => _output = output;

    [RootFact]
    public async Task RecoveryFigures_EachNicSetup_RecoveredByteExactBesideOvmfTftpAndReceiveCeiling()
    {
        string runDirectory = TestEnvironment.NewRunDirectory("bench-recovery");
        (byte[] payload, string images) = await E2eRecoveryLab.PackTrustedCapsuleAsync(runDirectory);
        string capsulePath = Path.Combine(images, "ovmf-vars.cap");
        byte[] capsule = File.ReadAllBytes(capsulePath);
        long capsuleBytes = capsule.Length;
        string interrupted = Path.Combine(runDirectory, "interrupted-vars.fd");
        File.WriteAllBytes(interrupted, E2eRecoveryLab.Interrupted(payload));
        var context = new RunContext(runDirectory, images, interrupted, payload, capsuleBytes);

        var report = new StringBuilder();
        var failures = new List<string>();
        DateTime started = DateTime.UtcNow;
        using (RecoveryFiguresLab lab = await RecoveryFiguresLab.CreateAsync(runDirectory, capsulePath))
        {
            foreach (NicModel model in Models)
            {
                try
                {
                    await MeasureNicSetupAsync(lab, context, model, report, failures);
                }
                catch (Exception e)
                {
                    failures.Add($"{model}: {e.GetType().Name}: {e.Message}{lab.PeerOutput()}");
                }
            }
        }
        // Issue #18's USB figure, once: it has no NIC, so nothing of the lab.
        report.Append("== USB stick (no NIC, once per run)\n");
        try
        {
            UsbReadFigure.Run usb = await UsbReadFigure.RunAsync(runDirectory, interrupted, capsule, payload);
            failures.AddRange(usb.Failures());
            report.Append("  ").Append(usb.Describe()).Append('\n');
        }
        catch (Exception e)
        {
            failures.Add($"USB: {e.GetType().Name}: {e.Message}");
        }
        report.Append(string.Create(CultureInfo.InvariantCulture,
            $"# whole benchmark: {(DateTime.UtcNow - started).TotalSeconds:F0} s; runs in {runDirectory}\n"));

        string text = Header(capsuleBytes) + report;
        _output.WriteLine(text);
        Directory.CreateDirectory(TestEnvironment.Repo.FiguresDir);
        File.WriteAllText(Path.Combine(TestEnvironment.Repo.FiguresDir, "recovery.txt"), text);
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    private async Task MeasureNicSetupAsync(RecoveryFiguresLab lab, RunContext context, NicModel model, StringBuilder report, List<string> failures)
    {
        string directory = Directory.CreateDirectory(Path.Combine(context.RunDirectory, model.ToString())).FullName;
        report.Append("== ").Append(model).Append(" (").Append(NicDescription(model)).Append(")\n");

        // 1. The receive ceiling: netdiag, paced bursts (lossless) and a flood.
        Ceiling? ceiling = await MeasureCeilingAsync(lab, model, directory, failures);
        if (ceiling != null)
        {
            report.Append(F("  receive ceiling (netdiag, {0}-byte frames): paced lossless {1:F0} frames/s = {2:F1} Mbit/s; flood {3}\n",
                FrameSize, ceiling.PacedFramesPerSecond, Mbit(ceiling.PacedFramesPerSecond), ceiling.FloodText));
        }

        // 2. OVMF's own PXE TFTP client (and iPXE's, when the NIC has its ROM) downloading the same capsule bytes.
        List<TftpTransfer> downloads = await MeasurePxeAsync(lab, model, directory, context.CapsuleBytes, failures);
        TftpTransfer? ovmfTftp = null;
        foreach (TftpTransfer t in downloads)
        {
            if (!t.Complete)
            {
                continue;
            }
            bool edk2 = IsEdk2Request(t);
            ovmfTftp = edk2 ? t : ovmfTftp;
            report.Append("  ").Append(edk2 ? "OVMF PXE TFTP (PxeBcDxe + Mtftp4Dxe)" : "iPXE PXE TFTP (extra row: the ROM's own client)")
                .Append(F(": {0} bytes in {1} blocks ({2} repeated), blksize {3} (asked: {4}; granted: {5}); first DATA -> last ACK {6:F3} s = {7:F2} MB/s ({8:F1} Mbit/s); first RRQ -> last ACK {9:F3} s; DATA -> ACK median {10:F2} ms\n",
                    t.Bytes, t.DistinctBlocks, t.RepeatedDataPackets, t.BlockSize, t.OptionText(t.RequestedOptions), t.OptionText(t.AcknowledgedOptions),
                    Seconds(t.FinalAckMicroseconds - t.FirstDataMicroseconds), t.Bytes / Seconds(t.FinalAckMicroseconds - t.FirstDataMicroseconds) / 1e6,
                    t.Bytes * 8 / Seconds(t.FinalAckMicroseconds - t.FirstDataMicroseconds) / 1e6,
                    Seconds(t.FinalAckMicroseconds - FirstRequestOfClient(downloads, t)), Median(t.DataToAckMicroseconds) / 1000.0));
        }

        // 3. Our transfer at the tests' rate, near the ceiling, twice it, and unpaced; killed once COMPLETE is on the wire.
        var rates = new List<double> { 20 };
        double ceilingMbit = ceiling != null ? Math.Round(Mbit(ceiling.PacedFramesPerSecond)) : 50;
        foreach (double rate in new[] { ceilingMbit, 2 * ceilingMbit, 4 * ceilingMbit, 0 })
        {
            if (rate >= 0 && !rates.Contains(rate))
            {
                rates.Add(rate);
            }
        }
        RecoveryRun? best = null;
        foreach (double rate in rates)
        {
            RecoveryRun sweep = await RunRecoveryAsync(lab, context, model, directory, rate, gatherSeconds: 0.2, full: false);
            if (sweep.Timer.CompleteMicroseconds == 0)
            {
                failures.Add($"{model} --rate {RateText(rate)}: no STATUS COMPLETE from the app on the tap\n{sweep.Exit.Describe()}\nmanager:\n{sweep.ManagerLog}");
            }
            report.Append("  ").Append(DescribeTransfer(sweep)).Append('\n');
            // Only a measured delivery competes: a burst that outran the probe may have wide bounds, not a time.
            if (sweep.Timer.CompleteMicroseconds != 0 && sweep.Timer.Lossless && sweep.Timer.DeliveryMeasured
                && (best == null || sweep.DeliveredSeconds < best.DeliveredSeconds))
            {
                best = sweep;
            }
        }

        // 4. One full recovery at the best lossless rate, with the manager's default gather window: app start -> flash written.
        double fullRate = best?.Rate ?? 20;
        RecoveryRun full = await RunRecoveryAsync(lab, context, model, directory, fullRate, gatherSeconds: 1, full: true);
        CheckFullRecovery(model, full, context.Payload, failures);
        report.Append("  best lossless rate: ").Append(best == null ? "none (no lossless run)" : "--rate " + RateText(best.Rate)).Append('\n');
        report.Append("  ").Append(DescribeTransfer(full)).Append('\n');
        report.Append("  full recovery: ").Append(full.Timeline.Describe()).Append(full.ByteExact ? "; flash == payload byte for byte" : "; FLASH DIFFERS")
            .Append(full.ResultSuccess ? ", result log success" : ", NO success in the result log").Append('\n');

        // 5. The same capsule from the lab's web server: the HTTP source over this setup's SNP (issue #18).
        HttpRecoveryFigure.Run http = await HttpRecoveryFigure.RunAsync(lab, model, directory, context.InterruptedTemplate, context.Payload, (int)context.CapsuleBytes);
        failures.AddRange(http.Failures($"{model} HTTP recovery"));
        report.Append("  ").Append(http.Describe()).Append('\n');

        // 6. The ratios the issues ask for, from this setup's rows.
        report.Append("  ").Append(SourceRatios(http, best, ceiling)).Append('\n');
        RecoveryRun ours = best ?? full;
        if (ovmfTftp != null)
        {
            double tftp = Seconds(ovmfTftp.FinalAckMicroseconds - ovmfTftp.FirstDataMicroseconds);
            report.Append(F("  our rate / OVMF TFTP's (same {0} bytes, same tap): {1:F2} by delivery ({2:F3} s vs {3:F3} s), {4:F2} to COMPLETE ({5:F3} s); goal >= 5: {6}\n",
                context.CapsuleBytes, tftp / ours.DeliveredSeconds, ours.DeliveredSeconds, tftp, tftp / ours.CompleteSeconds, ours.CompleteSeconds,
                tftp / ours.DeliveredSeconds >= 5 ? "met" : "NOT met"));
        }
        if (ceiling != null)
        {
            double ourFrames = ours.Timer.DistinctFragments / ours.DeliveredSeconds;
            report.Append(F("  our rate / receive ceiling: {0:F2} ({1:F0} vs {2:F0} frames/s paced; {3:F2} of the flood figure); goal >= 0.8: {4}\n",
                ourFrames / ceiling.PacedFramesPerSecond, ourFrames, ceiling.PacedFramesPerSecond,
                ceiling.FloodFramesPerSecond > 0 ? ourFrames / ceiling.FloodFramesPerSecond : double.NaN,
                ourFrames / ceiling.PacedFramesPerSecond >= 0.8 ? "met" : "NOT met"));
        }
    }

    /// <summary>
    /// Issue #18's line: HTTP / ours / the receive ceiling in MB/s, all three by the tap's clock, and as ratios to ours. HTTP: the
    /// server's bytes ÷ the app's SYN -> its ACK of the last byte (the app's own figure, which also holds ARP, after it); ours:
    /// the best lossless run's image bytes ÷ first DATA -> the app had every fragment; ceiling: paced lossless frames/s ×
    /// <see cref="FragmentBytes"/> (what our DATA frames of the ceiling's size would carry).
    /// </summary>
    private static string SourceRatios(HttpRecoveryFigure.Run http, RecoveryRun? best, Ceiling? ceiling)
    {
        if (best == null || ceiling == null || double.IsNaN(http.WireMegabytesPerSecond))
        {
            return "http / broadcast / ceiling: not measured (" + (best == null ? "no lossless broadcast run" : ceiling == null ? "no ceiling" : "the HTTP transfer is not whole in the capture") + ")";
        }
        double broadcast = best.Timer.DataPayloadBytes / best.DeliveredSeconds / 1e6;
        double ceilingRate = ceiling.PacedFramesPerSecond * FragmentBytes / 1e6;
        string app = double.IsNaN(http.AppMegabytesPerSecond) ? "no figure" : F("{0:F2} MB/s = {1:F2} : 1", http.AppMegabytesPerSecond, http.AppMegabytesPerSecond / broadcast);
        return F("http / broadcast / ceiling: {0:F2} MB/s / {1:F2} MB/s / {2:F2} MB/s = {3:F2} : 1 : {4:F2} (tap's clock; broadcast at --rate {5}, ceiling {6:F0} frames/s x {7} bytes; http by the app's line: {8})",
            http.WireMegabytesPerSecond, broadcast, ceilingRate, http.WireMegabytesPerSecond / broadcast, ceilingRate / broadcast,
            RateText(best.Rate), ceiling.PacedFramesPerSecond, FragmentBytes, app);
    }

    // ---- phase 1: receive ceiling ----

    private async Task<Ceiling?> MeasureCeilingAsync(RecoveryFiguresLab lab, NicModel model, string directory, List<string> failures)
    {
        var machine = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = new EspBuilder().WithBootApplication(EfiAppBinary.Require()).BuildFolder(Path.Combine(directory, "netdiag-esp")),
            RunDirectory = Path.Combine(directory, "1-ceiling"),
            Nic = NicSetup.Tap(lab.Tap, model),
            MacAddress = Mac,
            NetworkNamespace = lab.Namespace.Name,
            OemStrings = new[]
            {
                NetDiagConsole.ModeOemString, EfiAppConsole.DebugExitOemString, NetDiagConsole.TimeoutOemString(600),
                $"uefirecovery.ip={RecoveryFiguresLab.NetDiagMachineAddress}/24",
            },
            Timeout = TimeSpan.FromMinutes(10),
        });
        await using QemuRun run = machine.Start();
        SerialLine? ready = await run.Serial.WaitForLineAsync(new Regex("^NETDIAG (READY|FAIL) "), BootTimeout);
        if (ready == null || !NetDiagConsole.Ready.IsMatch(ready.Text))
        {
            failures.Add($"{model} ceiling: no NETDIAG READY\n{(await run.KillAsync()).Describe()}");
            return null;
        }
        // Only the paced phase and a short flood: the echo phase is the rx benchmark's (QemuRxBenchmarkTests).
        HostCommandResult bench = lab.Exec(TimeSpan.FromMinutes(3), "/usr/bin/python3", RecoveryFiguresLab.Script("rx_flood.py"),
            "--iface", lab.Bridge, "--app-mac", Mac, "--app-ip", RecoveryFiguresLab.NetDiagMachineAddress,
            "--paced-seconds", "4", "--echo-seconds", "0", "--flood-seconds", "2", "--size", FrameSize.ToString(CultureInfo.InvariantCulture),
            "--burst", "32", "--window", "8");
        await run.SendAsync("q");
        SerialLine? stats = await run.Serial.WaitForLineAsync(NetDiagConsole.Stats, TimeSpan.FromMinutes(1));
        QemuExit exit = await run.KillAsync();
        Match b = BenchLine.Match(bench.StandardOutput);
        if (!b.Success || stats == null)
        {
            failures.Add($"{model} ceiling: the rx script or the STATS line is missing: {bench}\n{exit.Describe()}");
            return null;
        }
        long rx = long.Parse(NetDiagConsole.Stats.Match(stats.Text).Groups["rx"].Value, CultureInfo.InvariantCulture);
        long pacedSent = Number(b, "paced");
        double pacedRate = pacedSent / Double(b, "pacedS");
        double flood = Double(b, "flood") + Double(b, "drain");
        long floodTaken = Math.Max(0, rx - pacedSent - Number(b, "req") - Number(b, "syncs"));
        bool answered = b.Groups["answered"].Value == "1";
        string floodText = answered
            ? F("{0:F0} frames/s (took {1} of {2} in {3:F1} s incl. drain)", floodTaken / flood, floodTaken, Number(b, "sent"), flood)
            : "NIC STOPPED RECEIVING after the flood";
        return new Ceiling(pacedRate, answered ? floodTaken / flood : 0, floodText);
    }

    // ---- phase 2: PXE boot, OVMF's TFTP ----

    private async Task<List<TftpTransfer>> MeasurePxeAsync(RecoveryFiguresLab lab, NicModel model, string directory, long capsuleBytes, List<string> failures)
    {
        string pcap = Path.Combine(directory, "pxe.pcap");
        NamespaceProcess tcpdump = await lab.StartCaptureAsync(pcap);
        var machine = new QemuMachine(new QemuMachineOptions
        {
            // Nothing bootable on the disk: the NIC (bootindex=1) is what OVMF starts.
            BootDisk = new EspFolder(Directory.CreateDirectory(Path.Combine(directory, "pxe-empty-esp")).FullName),
            RunDirectory = Path.Combine(directory, "2-pxe"),
            Nic = NicSetup.None,
            NetworkNamespace = lab.Namespace.Name,
            ExtraArguments = lab.PxeNicArguments(model, Mac),
            Timeout = TimeSpan.FromMinutes(10),
        });
        QemuExit exit;
        SerialLine? downloaded;
        await using (QemuRun run = machine.Start())
        {
            // EDK2 PxeBcDxe prints this after its Mtftp4 ReadFile; with an iPXE ROM, iPXE's own attempt comes first.
            downloaded = await run.Serial.WaitForLineAsync(new Regex(@"NBP file downloaded successfully|PXE-E\d\d"), BootTimeout);
            if (downloaded != null)
            {
                await RecoveryFiguresLab.WaitForCaptureAsync(pcap, f => TftpTransferTimer.Find(f).Exists(t => t.Complete && IsEdk2Request(t)), TimeSpan.FromSeconds(20));
            }
            exit = await run.KillAsync();
        }
        List<CapturedFrame> frames = await RecoveryFiguresLab.StopAndReadAsync(tcpdump, pcap);
        List<TftpTransfer> transfers = TftpTransferTimer.Find(frames);
        TftpTransfer? edk2 = null;
        foreach (TftpTransfer t in transfers)
        {
            if (t.Complete && IsEdk2Request(t))
            {
                edk2 = t;
            }
        }
        if (downloaded == null || !downloaded.Text.Contains("NBP file downloaded successfully", StringComparison.Ordinal) || edk2 == null)
        {
            failures.Add($"{model} PXE: OVMF's TFTP download did not complete ({transfers.Count} transfers in {pcap})\n{exit.Describe()}{lab.PeerOutput()}");
        }
        foreach (TftpTransfer t in transfers)
        {
            if (t.Complete && t.Bytes != capsuleBytes)
            {
                failures.Add($"{model} PXE: a TFTP transfer delivered {t.Bytes} bytes, the file has {capsuleBytes}");
            }
        }
        return transfers;
    }

    /// <summary>EDK2's PxeBc asks for windowsize (PcdPxeTftpWindowSize, edk2-stable202011 on); iPXE 2019 does not.</summary>
    private static bool IsEdk2Request(TftpTransfer t) => t.Option(t.RequestedOptions, "windowsize") != null;

    /// <summary>The client's first RRQ (EDK2's tsize probe precedes the read it aborts for).</summary>
    private static long FirstRequestOfClient(List<TftpTransfer> transfers, TftpTransfer read)
    {
        long first = read.RequestMicroseconds;
        bool edk2 = IsEdk2Request(read);
        for (int i = transfers.IndexOf(read) - 1; i >= 0; i--)
        {
            TftpTransfer previous = transfers[i];
            if (previous.Client != read.Client || previous.Complete || IsEdk2Request(previous) != edk2)
            {
                break;
            }
            first = previous.RequestMicroseconds;
        }
        return first;
    }

    // ---- phases 3 and 4: recoveries ----

    private async Task<RecoveryRun> RunRecoveryAsync(RecoveryFiguresLab lab, RunContext context, NicModel model, string directory,
        double rate, double gatherSeconds, bool full)
    {
        string runDirectory = Directory.CreateDirectory(Path.Combine(directory, (full ? "4-full-rate-" : "3-sweep-rate-") + RateText(rate))).FullName;
        EspImage esp = E2eRecoveryLab.BuildEsp(Path.Combine(runDirectory, "esp.img"), interruptedMarker: true);
        string results = Path.Combine(runDirectory, "results.jsonl");
        string pcap = Path.Combine(runDirectory, "tap.pcap");
        uint appAddress = RecoveryFiguresLab.Address(RecoveryFiguresLab.RecoveryMachineAddress);
        using NamespaceProcess manager = await lab.ServeAsync(context.ImagesDir, results, rate, gatherSeconds);
        NamespaceProcess tcpdump = await lab.StartCaptureAsync(pcap);
        var machine = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = esp,
            RunDirectory = Path.Combine(runDirectory, "vm"),
            Nic = NicSetup.Tap(lab.Tap, model),
            MacAddress = Mac,
            NetworkNamespace = lab.Namespace.Name,
            OemStrings = RecoveryFiguresLab.RecoveryOemStrings(),
            Timeout = TimeSpan.FromMinutes(10),
            VarsTemplatePath = context.InterruptedTemplate,
        });
        QemuExit exit;
        SerialTimeline timeline;
        await using (QemuRun run = machine.Start())
        {
            if (full)
            {
                exit = await run.WaitForExitAsync();
            }
            else
            {
                // The app answers the STATUS_REQUEST while it writes; once COMPLETE is captured the transfer is measured.
                SerialLine? writing = await run.Serial.WaitForLineAsync(new Regex("^RECOVERY PHASE writing "), BootTimeout);
                if (writing != null)
                {
                    await RecoveryFiguresLab.WaitForCaptureAsync(pcap, f => RecoveryCaptureTimer.Analyze(f, appAddress).CompleteMicroseconds != 0, TimeSpan.FromSeconds(20));
                }
                exit = await run.KillAsync();
            }
            timeline = SerialTimeline.From(run.Serial);
        }
        List<CapturedFrame> frames = await RecoveryFiguresLab.StopAndReadAsync(tcpdump, pcap);
        string managerLog = E2eRecoveryLab.SaveManagerLog(runDirectory, manager);
        RecoveryCaptureTimer timer = RecoveryCaptureTimer.Analyze(frames, appAddress);
        bool byteExact = false;
        if (full && File.Exists(exit.VarsPath))
        {
            byteExact = File.ReadAllBytes(exit.VarsPath).AsSpan().SequenceEqual(context.Payload);
        }
        bool success = Regex.IsMatch(string.Join("\n", E2eRecoveryLab.ResultLines(results)),
            @"""clientId"":""52:54:00:12:34:56"".*""outcome"":""success"",""code"":0");
        return new RecoveryRun(rate, gatherSeconds, timer, timeline, exit, managerLog, byteExact, success);
    }

    private static void CheckFullRecovery(NicModel model, RecoveryRun full, byte[] payload, List<string> failures)
    {
        string where = $"{model} full recovery at --rate {RateText(full.Rate)}";
        if (!full.Timeline.Done)
        {
            failures.Add($"{where}: no 'RECOVERY DONE verdict=recovered reason=none'\n{full.Exit.Describe()}\nmanager:\n{full.ManagerLog}");
        }
        if (!full.Exit.TryGetDebugExitValue(out int value) || value != EfiAppConsole.ExitSuccess)
        {
            failures.Add($"{where}: isa-debug-exit value is not success\n{full.Exit.Summary}");
        }
        if (!full.ByteExact)
        {
            failures.Add($"{where}: the vars file differs from the capsule payload ({payload.Length} bytes) after the recovery");
        }
        if (!full.ResultSuccess)
        {
            failures.Add($"{where}: no success record for {Mac} in the manager's result log\nmanager:\n{full.ManagerLog}");
        }
    }

    private static string DescribeTransfer(RecoveryRun r)
    {
        RecoveryCaptureTimer t = r.Timer;
        if (t.FirstDataMicroseconds == 0 || t.CompleteMicroseconds == 0)
        {
            return $"ours, --rate {RateText(r.Rate)}: " + (t.FirstDataMicroseconds == 0 ? "no DATA captured" : "no COMPLETE captured");
        }
        string delivered = t.DeliveryEstimated
            ? F("app had every fragment {0:F3} s after the first DATA = {1:F0} frames/s, {2:F2} MB/s (its lag behind the wire: {3:F1} ms at the end, max {4:F1} ms; {5} probes, the last {6} DATA before the end)",
                r.DeliveredSeconds, t.DistinctFragments / r.DeliveredSeconds, t.DataPayloadBytes / r.DeliveredSeconds / 1e6,
                t.EndLagMicroseconds / 1000.0, t.MaxLagMicroseconds / 1000.0, t.ProbesDuringData, t.FramesAfterEndProbe)
            : t.DeliveryMeasured
            ? F("app had every fragment between {0:F3} and {1:F3} s after the first DATA = {2:F0} frames/s, {3:F2} MB/s (by the upper bound: the first ping after the pass was answered before the signature check; {4} DATA after the last ping during the pass)",
                Seconds(t.DeliveredLowerMicroseconds - t.FirstDataMicroseconds), r.DeliveredSeconds, t.DistinctFragments / r.DeliveredSeconds,
                t.DataPayloadBytes / r.DeliveredSeconds / 1e6, t.FramesAfterEndProbe)
            : F("NOT MEASURED: the app had every fragment between {0:F3} and {1:F3} s after the first DATA ({2} DATA after the last ping during the pass; the first ping after it waited for the signature check)",
                Seconds(t.DeliveredLowerMicroseconds - t.FirstDataMicroseconds), r.DeliveredSeconds, t.FramesAfterEndProbe);
        string drained = t.DrainReplyMicroseconds != 0
            ? F("answered at {0:F3} s (after the in-firmware signature check)", Seconds(t.DrainReplyMicroseconds - t.FirstDataMicroseconds))
            : "unanswered";
        return F("ours, --rate {0} (gather {1} s): {2} DATA for {3} fragments ({4}), sent in {5:F3} s; {6}; ping after the STATUS_REQUEST {7}; STATUS COMPLETE at {8:F3} s",
            RateText(r.Rate), r.GatherSeconds, t.DataFrames, t.DistinctFragments, t.Lossless ? "lossless" : $"{t.NackStatuses} NACK STATUS, repaired",
            Seconds(t.LastDataBeforeCompleteMicroseconds - t.FirstDataMicroseconds), delivered, drained, r.CompleteSeconds);
    }

    // ---- helpers ----

    private static string NicDescription(NicModel model) => model switch
    {
        NicModel.VirtioNetOvmfDriver => "virtio-net, romfile=\"\": OVMF VirtioNetDxe SNP",
        NicModel.VirtioNetIpxe => "virtio-net with QEMU's iPXE ROM SNP",
        _ => "e1000 with QEMU's iPXE ROM SNP",
    };

    private static string Header(long capsuleBytes) =>
        "# Recovery figures (issues #6 and #18), written by qemu-tests/Bench/RecoveryFiguresBenchmarkTests; QEMU TCG, OVMF 2022.11.\n" +
        $"# One namespace, bridge and tap per run; every time below is from tcpdump on the tap (the host's clock). Capsule {capsuleBytes} bytes.\n" +
        "# receive ceiling: QemuRxBenchmarkTests' paced phase (bursts of 32 acknowledged by a ping: a lower bound) and a 2 s flood.\n" +
        "# PXE TFTP: the VM PXE-boots (NIC bootindex=1) from dnsmasq, whose boot file is the capsule itself; timed first DATA -> ACK of the last block.\n" +
        "# ours: the app recovers from `uefirecovery-manager serve --rate R` (Mbit/s, 0 = unpaced); sweep runs are stopped once COMPLETE is on\n" +
        "#   the wire. 'app had every fragment' = the pass's last DATA + the app's lag behind the wire then, measured by the drain probe's\n" +
        "#   pings sent every 2 ms while DATA flows (tap and NIC keep order; the app answers pings inside its receive poll), when at most\n" +
        "#   8 DATA followed the last ping; else between bounds (last DATA or last ping reply .. first ping reply after the pass or COMPLETE),\n" +
        "#   counted as the upper bound when they are within 3 ms (or 10 %), else NOT MEASURED and the run cannot be 'best'. The ping\n" +
        "#   after the pass and COMPLETE come after the in-firmware signature check; COMPLETE also after the 0..W answer delay\n" +
        "#   (W >= 100 ms, protocol.md 4.5). 'by delivery' ratios use the first figure.\n" +
        "# HTTP source (issue #18): the app recovers from `uefirecovery.source=http://<host>:8080/<capsule>` (python3 -m http.server on the\n" +
        "#   bridge, the same file as TFTP), no manager. 'app': its `RECOVERY SOURCE http ... read` line (connect -> body end, ARP\n" +
        "#   included; its 10 ms tick clock, which runs slow under load, never fast); 'tap': the app's SYN -> its ACK of the server's last byte.\n" +
        "# http / broadcast / ceiling: MB/s = 10^6 bytes/s, all by the tap's clock: http = the tap figure; broadcast = the best lossless\n" +
        "#   run's image bytes / (first DATA -> app had every fragment); ceiling = paced lossless frames/s x 1432 (the image bytes one of\n" +
        "#   our 1514-byte DATA frames carries; a TCP segment of that size carries 1460). Ratios are to broadcast = 1.\n" +
        "# USB (once per run, no NIC): the app recovers from `uefirecovery.source=file:` on usb-storage behind qemu-xhci; 'app' is its\n" +
        "#   `RECOVERY SOURCE file ... read` line (finding the volume, open, read; 10 ms ticks), 'host' the arrival of that line after\n" +
        "#   `RECOVERY PHASE file`, printed just before the read, on the host's serial clock.\n" +
        "# Figures vary with host load; none is asserted.\n";

    private static string F(string format, params object[] args) => string.Format(CultureInfo.InvariantCulture, format, args);

    private static string RateText(double rate) => rate == 0 ? "0 (unpaced)" : rate.ToString(CultureInfo.InvariantCulture);

    private static double Mbit(double framesPerSecond) => framesPerSecond * FrameSize * 8 / 1e6;

    private static double Seconds(long microseconds) => microseconds / 1e6;

    private static long Number(Match m, string group) => long.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);

    private static double Double(Match m, string group) => double.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);

    private static double Median(List<long> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }
        var sorted = new List<long>(values);
        sorted.Sort();
        return sorted[sorted.Count / 2];
    }


    private sealed record RunContext(string RunDirectory, string ImagesDir, string InterruptedTemplate, byte[] Payload, long CapsuleBytes);

    private sealed record Ceiling(double PacedFramesPerSecond, double FloodFramesPerSecond, string FloodText);

    private sealed record RecoveryRun(double Rate, double GatherSeconds, RecoveryCaptureTimer Timer, SerialTimeline Timeline, QemuExit Exit,
        string ManagerLog, bool ByteExact, bool ResultSuccess)
    {
        public double CompleteSeconds => Seconds(Timer.CompleteMicroseconds - Timer.FirstDataMicroseconds);

        /// <summary>First DATA to the moment the app had every fragment (<see cref="RecoveryCaptureTimer.DeliveredMicroseconds"/>).</summary>
        public double DeliveredSeconds => Seconds(Timer.DeliveredMicroseconds - Timer.FirstDataMicroseconds);
    }
}
