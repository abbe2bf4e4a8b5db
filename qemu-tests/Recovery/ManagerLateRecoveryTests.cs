using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Firmware;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// No manager yet: the machine with an invalid region keeps asking for a donor, with growing gaps
/// between its REQUESTs (docs/protocol.md §6.2: 1 s doubling to 8 s, ±25 % jitter), says so on screen,
/// and touches nothing. Once several REQUESTs have been seen on the bridge the manager is started, and
/// the same boot recovers the region byte for byte.
/// </summary>
public sealed class ManagerLateRecoveryTests
{
    private const int RequestsBeforeManager = 6;

    private readonly ITestOutputHelper _output;

    public ManagerLateRecoveryTests(ITestOutputHelper output) => _output = output;

    [RootFact]
    public async Task Recover_ManagerStartsAfterRetries_BackoffAndWaitingShownNothingWrittenThenVarsEqualPayload()
    {
        E2eRecoveryFiles files = await E2eRecoveryFiles.CreateAsync("e2e-late");
        string pcap = Path.Combine(files.RunDirectory, "bridge.pcap");
        string requestFilter = $"udp and src host {E2eRecoveryLab.MachineAddress} and dst host {E2eRecoveryLab.HostAddress} and dst port {E2eRecoveryLab.ManagerPort}";

        using E2eSegment segment = E2eSegment.Create();
        using NamespaceProcess capture = await Tcpdump.StartAsync(segment.Namespace, segment.Bridge, pcap);

        QemuMachine machine = segment.Machine(files.Boot("1-late"), files.BuildEsp(), E2eRecoveryLab.MachineOemStrings("auto", E2eRecoveryLab.MachineAddress),
            E2eRecoveryLab.MachineTimeout, files.InterruptedVarsPath);
        await using QemuRun run = machine.Start();

        // Phase 1, nobody answers: the on-screen notice, and REQUESTs on the wire with growing gaps.
        SerialLine? waiting = await run.Serial.WaitForLineAsync(new Regex(@"^RECOVERY WAITING no offer yet requests=\d+$"), TimeSpan.FromMinutes(5));
        Assert.True(waiting != null, "no 'RECOVERY WAITING' line while no manager runs:\n" + run.Serial.Transcript);
        IReadOnlyList<string> requests = Array.Empty<string>();
        DateTime deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline && (requests = Tcpdump.Summaries(pcap, requestFilter)).Count < RequestsBeforeManager)
        {
            await Task.Delay(1000);
        }
        _output.WriteLine("REQUESTs before the manager:\n" + string.Join("\n", requests));
        Assert.True(requests.Count >= RequestsBeforeManager, $"only {requests.Count} REQUESTs reached the bridge in 2 minutes");
        double[] gaps = Gaps(requests);
        _output.WriteLine("gaps (s): " + string.Join(" ", Array.ConvertAll(gaps, g => g.ToString("0.00", CultureInfo.InvariantCulture))));
        // Nominal 1, 2, 4, 8, 8 s (±25 %): the fifth gap is at least twice the first (even if the first REQUEST waited
        // for ARP and the capture starts at the 2 s gap); a fixed interval with that jitter stays below 1.7x.
        Assert.True(gaps[4] >= 2.0 * gaps[0], "the REQUEST gaps do not grow (no backoff): " + string.Join(" ", gaps));

        // Nothing written while no image was verified: no write step on screen, the region's bytes as they were
        // (only OVMF's own boot-time variable writes, blocks 0-4, may differ).
        byte[] during = E2eRecoveryLab.ReadWhileRunning(run.VarsPath);
        Assert.True(run.Serial.IndexOf("^(FIRMWARE MARKER|RECOVERY WRITE|RECOVERY VERIFIED|RECOVERY OFFER)") < 0,
            "an offer or write step without a manager:\n" + run.Serial.Transcript);
        Assert.True(during.AsSpan(0x40000).SequenceEqual(files.Interrupted.AsSpan(0x40000)),
            "the FTW blocks changed before any manager ran: " + FlashBlocks.Differing(files.Interrupted, during));

        // Phase 2: the manager appears; the same boot recovers.
        using NamespaceProcess manager = await RecoveryManager.ServeAsync(segment.Namespace, E2eRecoveryLab.Serve(files.Images, files.Results, gatherSeconds: 1));
        QemuExit exit = await run.WaitForExitAsync();
        string managerOutput = "\nmanager:\n" + E2eRecoveryLab.SaveManagerLog(files.RunDirectory, manager);
        _output.WriteLine(managerOutput);

        SerialLine? offer = run.Serial.Find(new Regex(@"^RECOVERY OFFER donor=10\.216\.0\.1:40123 .* mode=broadcast$"));
        BootAssert.NotNull(offer, exit, "the late manager's offer" + managerOutput);
        BootAssert.True(offer!.Elapsed > waiting!.Elapsed, exit, "the offer came before the waiting notice");
        BootAssert.NotNull(run.Serial.Find(new Regex(@"^RECOVERY WRITE recovery=recovered result=success block=-1 written=\d+ ")), exit, "the changed blocks written");
        E2eRecoveryLab.AssertRecovered(exit, run.Serial, files.Payload, files.Results, managerOutput);
    }

    /// <summary>Seconds between consecutive packets of tcpdump's <c>-tt</c> lines (epoch seconds first).</summary>
    private static double[] Gaps(IReadOnlyList<string> lines)
    {
        var gaps = new double[Math.Max(lines.Count - 1, 0)];
        for (int i = 1; i < lines.Count; i++)
        {
            gaps[i - 1] = Time(lines[i]) - Time(lines[i - 1]);
        }
        return gaps;
    }

    private static double Time(string line) => double.Parse(line.Split(' ', 2)[0], CultureInfo.InvariantCulture);
}
