using System;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// Loss on the wire: an nftables rule in the bridge family drops about 5 % of the UDP frames going into
/// and coming out of the machine's tap (the kernel has no netem; design/TOOLCHAIN.md). With 379 fragments
/// the first pass practically always loses some (0.95^379 ≈ 4e-9), so the recovery must go through
/// repair passes and still end byte-exact.
/// </summary>
public sealed class LossyRecoveryTests
{
    private const int LossPercent = 5;
    private static readonly TimeSpan MachineTimeout = TimeSpan.FromMinutes(9);

    private readonly ITestOutputHelper _output;

    public LossyRecoveryTests(ITestOutputHelper output) => _output = output;

    [RootFact]
    public async Task Recover_FivePercentRandomDropAtTheTap_VarsEqualPayloadRepairRoundsOnBothSides()
    {
        string runDirectory = TestEnvironment.NewRunDirectory("e2e-lossy");
        (byte[] payload, string images) = await E2eRecoveryLab.PackTrustedCapsuleAsync(runDirectory);
        string template = Path.Combine(runDirectory, "interrupted-vars.fd");
        File.WriteAllBytes(template, E2eRecoveryLab.Interrupted(payload));
        EspImage esp = E2eRecoveryLab.BuildEsp(Path.Combine(runDirectory, "esp.img"), interruptedMarker: true);
        string results = Path.Combine(runDirectory, "results.jsonl");

        using NetworkNamespace ns = NetworkNamespace.Create(E2eRecoveryLab.NamespacePrefix);
        string bridge = ns.AddBridge(ns.DeviceName("br"), E2eRecoveryLab.HostAddress + "/24");
        string tap = ns.AddTap(ns.DeviceName("tap"), bridge);
        E2eRecoveryLab.AddRandomDrop(ns, tap, LossPercent);
        using NamespaceProcess manager = await E2eRecoveryLab.ServeAsync(ns, images, results, gatherSeconds: 1);

        var machine = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = esp,
            RunDirectory = Path.Combine(runDirectory, "1-lossy"),
            Nic = NicSetup.Tap(tap, NicModel.VirtioNetOvmfDriver),
            NetworkNamespace = ns.Name,
            OemStrings = E2eRecoveryLab.MachineOemStrings("auto", E2eRecoveryLab.Subnet + ".20"),
            Timeout = MachineTimeout,
            VarsTemplatePath = template,
        });
        QemuExit exit;
        SerialLog serial;
        await using (QemuRun run = machine.Start())
        {
            exit = await run.WaitForExitAsync();
            serial = run.Serial;
        }
        (long toGuest, long fromGuest, string listing) = E2eRecoveryLab.DropCounters(ns);
        string managerOutput = "\nmanager:\n" + E2eRecoveryLab.SaveManagerLog(runDirectory, manager);
        _output.WriteLine(listing);
        _output.WriteLine(managerOutput);

        BootAssert.True(toGuest > 0, exit, "the drop rule in front of the tap dropped nothing:\n" + listing);
        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY OFFER donor=10\.216\.0\.1:40123 .* mode=broadcast$")), exit, "the manager's offer" + managerOutput);
        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY VERIFIED version=0x00010002 payload=540672 ")), exit, "the verified capsule");
        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY WRITE recovery=recovered result=success block=-1 written=\d+ ")), exit, "the changed blocks written");
        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY RESULT outcome=success reason=0 acked=yes$")), exit, "RESULT acknowledged" + managerOutput);
        BootAssert.SentinelAndExitCode(exit, serial.Find(new Regex("^RECOVERY DONE verdict=recovered reason=none$")),
            "'RECOVERY DONE verdict=recovered'", DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));

        // On the machine's screen: the progress line after the image completed shows the STATUS rounds it sent
        // (each NACK answered by a repair pass).
        SerialLine? complete = serial.Find(new Regex(@"^RECOVERY PROGRESS bytes=541344 of 541344 rate=\d+KiB/s round=([1-9]\d*) "));
        BootAssert.NotNull(complete, exit, "a completed progress line with round >= 1 (repair rounds on the machine's screen)");

        byte[] after = File.ReadAllBytes(exit.VarsPath);
        Assert.True(payload.AsSpan().SequenceEqual(after), "vars file differs from the capsule payload in blocks " + E2eRecoveryLab.DifferingBlocks(payload, after));

        // In the manager: the result record and the session's log lines count repair rounds.
        string log = string.Join("\n", E2eRecoveryLab.ResultLines(results));
        _output.WriteLine("result log: " + log);
        Match record = new Regex(@"""clientId"":""52:54:00:12:34:56"".*""outcome"":""success"",""code"":0,.*""repairRounds"":(\d+)").Match(log);
        Assert.True(record.Success, "no success record for the machine: " + log);
        Assert.True(int.Parse(record.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 1,
            "the result log says the session needed no repair round under 5 % loss: " + log);
        Assert.Matches(new Regex(@"repair rounds [1-9]\d*"), managerOutput);
        _output.WriteLine($"frames dropped toward the machine: {toGuest}, from it: {fromGuest}; machine: {complete!.Text}");
    }
}
