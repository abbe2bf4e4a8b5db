using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Hostile;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.QemuTests.Network;
using UefiRecovery.Testbed;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.QemuTests.Bench;

/// <summary>
/// Figure, not assertion: how many frames per second the netdiag app takes from a host flood, per NIC
/// setup, and how many UDP echo round trips per second it completes. This is the ceiling the recovery
/// transfer is measured against. Printed and written to artifacts/figures/qemu-rx.txt (one line per NIC setup of this run); the test fails
/// only when the measurement itself could not be made (no boot, no answer), never on slowness.
/// Needs root; otherwise skipped. Run with: dotnet test qemu-tests/QemuTests.csproj --filter Category=Benchmark
/// </summary>
[Trait("Category", "Benchmark")]
[Collection(BenchmarkCollection.Name)]
public sealed class QemuRxBenchmarkTests
{
    private const int PacedSeconds = 5;
    private const int EchoSeconds = 6;
    private const int FloodSeconds = 5;
    private const int Burst = 32;
    private const int FrameSize = 1514;
    private const int EchoWindow = 8;

    private static readonly object s_figureLock = new();
    private static bool s_figureStarted;

    private readonly ITestOutputHelper _output;

    public QemuRxBenchmarkTests(ITestOutputHelper output) => _output = output;

    [RootTheory]
    [InlineData(NicModel.VirtioNetOvmfDriver)]
    [InlineData(NicModel.VirtioNetIpxe)]
    [InlineData(NicModel.E1000)]
    public async Task NetDiag_HostFlood_ReceiveRateFigure(NicModel model)
    {
        await using NetDiagLab lab = NetDiagLab.Create("bench-rx-" + model, "10.215.0");
        string appAddress = lab.Subnet + ".7";
        // Static address: no DHCP wait, and no DHCP frames in the app's receive count.
        SerialLine? ready = await lab.BootUntilReadyAsync(model, 600, TimeSpan.FromMinutes(10), $"uefirecovery.ip={appAddress}/24");
        QemuRun run = lab.Run!;
        if (ready == null)
        {
            BootAssert.Fail(await run.KillAsync(), "no 'NETDIAG READY' line" + lab.PeerOutput());
        }

        HostCommandResult bench = lab.Exec(TimeSpan.FromMinutes(3), "/usr/bin/python3", Script("rx_flood.py"),
            "--iface", lab.Bridge, "--app-mac", NetDiagLab.Mac, "--app-ip", appAddress,
            "--paced-seconds", PacedSeconds.ToString(CultureInfo.InvariantCulture),
            "--echo-seconds", EchoSeconds.ToString(CultureInfo.InvariantCulture),
            "--flood-seconds", FloodSeconds.ToString(CultureInfo.InvariantCulture),
            "--size", FrameSize.ToString(CultureInfo.InvariantCulture),
            "--burst", Burst.ToString(CultureInfo.InvariantCulture),
            "--window", EchoWindow.ToString(CultureInfo.InvariantCulture));
        await run.SendAsync("q");
        SerialLine? stats = await run.Serial.WaitForLineAsync(NetDiagConsole.Stats, TimeSpan.FromMinutes(1));
        QemuExit exit = await run.WaitForExitAsync();

        Match b = Regex.Match(bench.StandardOutput,
            @"BENCH ok=1 size=\d+ paced-sent=(?<paced>\d+) paced-s=(?<pacedS>[\d.]+) burst=\d+ " +
            @"echo-requests=(?<req>\d+) echo-replies=(?<rep>\d+) echo-s=(?<echo>[\d.]+) window=\d+ " +
            @"flood-sent=(?<sent>\d+) flood-blocked=\d+ flood-s=(?<flood>[\d.]+) drain-s=(?<drain>[\d.]+) " +
            @"answered-after-flood=(?<answered>[01]) syncs=(?<syncs>\d+)");
        BootAssert.True(b.Success, exit, "the benchmark script did not finish: " + bench);
        BootAssert.NotNull(stats, exit, "NETDIAG STATS line after the key press");

        long rx = Number(NetDiagConsole.Stats.Match(stats!.Text).Groups["rx"].Value);
        long pacedSent = Number(b.Groups["paced"].Value);
        long echoRequests = Number(b.Groups["req"].Value);
        long echoReplies = Number(b.Groups["rep"].Value);
        long sent = Number(b.Groups["sent"].Value);
        long syncs = Number(b.Groups["syncs"].Value);
        double pacedSeconds = Seconds(b.Groups["pacedS"].Value);
        double echoSeconds = Seconds(b.Groups["echo"].Value);
        double flood = Seconds(b.Groups["flood"].Value);
        double drain = Seconds(b.Groups["drain"].Value);
        bool answeredAfterFlood = b.Groups["answered"].Value == "1";

        // STATS rx counts every frame the app took during the run. The paced and echo phases lose
        // nothing before the app (acknowledged bursts, a small window), so the flood's share is the
        // rest minus the sync pings (a sync dropped by a full tap queue makes this a few frames low;
        // the host's ARP requests, a handful, are not subtracted).
        long floodTaken = Math.Max(0, rx - pacedSent - echoRequests - syncs);
        double pacedRate = pacedSent / pacedSeconds;
        double echoRate = echoReplies / echoSeconds;
        string floodPart = answeredAfterFlood
            ? string.Format(CultureInfo.InvariantCulture, "flood rx {0,6:F0} frames/s (took {1} of {2} offered at {3:F0}/s; {4:F1} s + {5:F2} s drain)",
                floodTaken / (flood + drain), floodTaken, sent, sent / flood, flood, drain)
            : string.Format(CultureInfo.InvariantCulture, "flood: NIC STOPPED RECEIVING (no ping answered {0:F0} s after {1} frames offered in {2:F1} s)",
                drain, sent, flood);
        string line = string.Format(CultureInfo.InvariantCulture,
            "{0:u} {1,-20} paced rx {2,6:F0} frames/s ({3,5:F1} Mbit/s, {4}-byte frames, bursts of {5}, lossless) | " +
            "udp echo {6,5:F0} round trips/s (window {7}, {8}/{9}) | {10}",
            DateTime.UtcNow, model, pacedRate, pacedRate * FrameSize * 8 / 1e6, FrameSize, Burst,
            echoRate, EchoWindow, echoReplies, echoRequests, floodPart);
        _output.WriteLine(line);
        _output.WriteLine(bench.StandardOutput.Trim());
        _output.WriteLine(stats.Text);
        AppendFigure(line);

        // Not a speed assertion: a NIC that never receives again after a flood is a defect (seen with
        // iPXE's e1000 SNP), and a benchmark that printed a number for it would hide that.
        BootAssert.True(answeredAfterFlood, exit, "after the flood the app answered no ping for 30 s: " + line);
    }

    private static long Number(string text) => long.Parse(text, CultureInfo.InvariantCulture);

    private static double Seconds(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    private static string Script(string fileName) => Path.Combine(TestEnvironment.Repo.Root, "qemu-tests", "Bench", "scripts", fileName);

    private static void AppendFigure(string line)
    {
        lock (s_figureLock)
        {
            string path = Path.Combine(TestEnvironment.Repo.FiguresDir, "qemu-rx.txt");
            Directory.CreateDirectory(TestEnvironment.Repo.FiguresDir);
            // The first figure of this test run replaces the file; the other NIC setups are appended.
            if (!s_figureStarted)
            {
                File.WriteAllText(path, Header);
                s_figureStarted = true;
            }
            File.AppendAllText(path, line + "\n", Encoding.UTF8);
        }
    }

    private const string Header =
        "# netdiag receive ceiling in QEMU (TCG), written by qemu-tests/Bench/QemuRxBenchmarkTests.\n" +
        "# All phases send full-size UDP frames (1472-byte payload) to the app's address; the app's receive count\n" +
        "# is NETDIAG STATS rx. Phases, in order:\n" +
        "# paced rx: bursts of N frames to a port with no socket, each burst followed by a ping that must be\n" +
        "#     answered first: no queue overflows, so every frame reaches the app. Includes one ping round trip\n" +
        "#     per burst, so it is a lower bound of the lossless receive rate.\n" +
        "# udp echo: complete round trips/s (host -> app port 7 -> host), at most 'window' outstanding (measures\n" +
        "#     receive + the stack + transmit).\n" +
        "# flood rx: frames/s the app took while the host sent back to back (QEMU/tap drop the excess), over flood\n" +
        "#     + drain time (drain = until a ping queued after the flood was answered).\n" +
        "# Figures vary with host load; they are not asserted.\n";
}
