using System;
using System.Collections.Generic;
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
/// A valid region in auto mode: the app hands over at once. The manager is running and reachable on the
/// same bridge (so a wrongly started recovery would find it), and tcpdump watches the bridge for the
/// whole boot: not one datagram of the recovery protocol may appear, and the manager sees no REQUEST.
/// </summary>
public sealed class ValidRegionHandOverTests
{
    private readonly ITestOutputHelper _output;

    public ValidRegionHandOverTests(ITestOutputHelper output) => _output = output;

    [RootFact]
    public async Task AutoMode_ValidRegionManagerReachable_FirmwareValidHandOverNoRecoveryTraffic()
    {
        string runDirectory = TestEnvironment.NewRunDirectory("e2e-valid");
        (byte[] pristine, string images) = await E2eRecoveryLab.PackTrustedCapsuleAsync(runDirectory);
        EspImage esp = E2eRecoveryLab.BuildEsp(Path.Combine(runDirectory, "esp.img"), interruptedMarker: false);
        string results = Path.Combine(runDirectory, "results.jsonl");
        string pcap = Path.Combine(runDirectory, "bridge.pcap");

        using E2eSegment segment = E2eSegment.Create();
        using NamespaceProcess capture = await Tcpdump.StartAsync(segment.Namespace, segment.Bridge, pcap);
        using NamespaceProcess manager = await RecoveryManager.ServeAsync(segment.Namespace, E2eRecoveryLab.Serve(images, results, gatherSeconds: 1));

        QemuMachine machine = segment.Machine(Path.Combine(runDirectory, "1-valid"), esp, E2eRecoveryLab.MachineOemStrings("auto", E2eRecoveryLab.MachineAddress),
            TimeSpan.FromMinutes(5));
        (QemuExit exit, SerialLog serial) = await machine.RunToExitAsync();
        // A few seconds more on the wire: a datagram the app queued just before the exit would still show.
        await Task.Delay(TimeSpan.FromSeconds(3));
        capture.Stop(TimeSpan.FromSeconds(2));
        string managerOutput = E2eRecoveryLab.SaveManagerLog(runDirectory, manager);
        _output.WriteLine("manager:\n" + managerOutput);

        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY BEGIN mode=auto$")), exit, "the recovery app in auto mode");
        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY REGION verdict=valid reason=valid message=""[^""]+"" marker=absent$")), exit, "the valid verdict");
        BootAssert.NotNull(serial.Find(new Regex("^RECOVERY HANDOVER boot-manager$")), exit, "the hand-over to the boot manager");
        BootAssert.SentinelAndExitCode(exit, serial.Find(new Regex("^FIRMWARE VALID$")), "'FIRMWARE VALID'", DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
        BootAssert.True(serial.IndexOf("^(RECOVERY (PHASE|NIC|STATIC|LEASE|OFFER|WAITING|WRITE)|FIRMWARE MARKER)") < 0, exit,
            "a network or write step although the region is valid");

        // The wire: the tap was up and the capture ran, yet no datagram of the recovery protocol (UDP 40123/40124).
        IReadOnlyList<string> everything = Tcpdump.Summaries(pcap, "");
        IReadOnlyList<string> recovery = Tcpdump.Summaries(pcap, "udp and (port 40123 or port 40124)");
        _output.WriteLine($"frames on the bridge during the boot: {everything.Count}; recovery protocol: {recovery.Count}\n" + string.Join("\n", everything));
        Assert.True(recovery.Count == 0, "recovery traffic on the bridge:\n" + string.Join("\n", recovery));
        Assert.DoesNotContain("REQUEST from", managerOutput, StringComparison.Ordinal);
        Assert.Empty(E2eRecoveryLab.ResultLines(results));

        // The flash: the app wrote nothing (OVMF's own boot-time variable writes live in blocks 0-4; FTW from 0x40000 untouched).
        byte[] after = File.ReadAllBytes(exit.VarsPath);
        _output.WriteLine("blocks changed during the boot (OVMF's own variable writes): " + FlashBlocks.Differing(pristine, after));
        Assert.True(after.AsSpan(0x40000).SequenceEqual(pristine.AsSpan(0x40000)), "FTW blocks changed: " + FlashBlocks.Differing(pristine, after));
    }

    /// <summary>
    /// The same hand-over without the test-only debug exit: the app returns to the firmware, whose boot
    /// manager goes on with its next boot option (in Debian's OVMF, after the disk, the UiApp setup menu).
    /// QEMU is stopped by the host once the firmware's next BdsDxe step is on serial.
    /// </summary>
    [RootFact]
    public async Task AutoMode_ValidRegionWithoutDebugExit_ReturnsToFirmwareBootManagerNoRecoveryTraffic()
    {
        string runDirectory = TestEnvironment.NewRunDirectory("e2e-valid-return");
        EspImage esp = E2eRecoveryLab.BuildEsp(Path.Combine(runDirectory, "esp.img"), interruptedMarker: false);
        string pcap = Path.Combine(runDirectory, "bridge.pcap");

        using E2eSegment segment = E2eSegment.Create();
        using NamespaceProcess capture = await Tcpdump.StartAsync(segment.Namespace, segment.Bridge, pcap);

        var oem = new List<string>(E2eRecoveryLab.MachineOemStrings("auto", E2eRecoveryLab.MachineAddress));
        oem.Remove(EfiAppConsole.DebugExitOemString);
        QemuMachine machine = segment.Machine(Path.Combine(runDirectory, "1-return"), esp, oem, TimeSpan.FromMinutes(6));
        await using QemuRun run = machine.Start();
        SerialLine? handover = await run.Serial.WaitForLineAsync(new Regex("^RECOVERY HANDOVER boot-manager$"), TimeSpan.FromMinutes(5));
        SerialLine? next = handover == null ? null
            : await run.Serial.WaitForLineAsync(new Regex(@"^BdsDxe: (loading|starting) Boot[0-9A-F]{4} .*UiApp"), TimeSpan.FromMinutes(2));
        QemuExit exit = await run.KillAsync();
        capture.Stop(TimeSpan.FromSeconds(2));

        BootAssert.NotNull(run.Serial.Find(new Regex("^FIRMWARE VALID$")), exit, "'FIRMWARE VALID'");
        BootAssert.NotNull(handover, exit, "the hand-over to the boot manager");
        BootAssert.NotNull(next, exit, "the firmware's boot manager going on (UiApp) after the app returned");
        BootAssert.True(next!.Number > handover!.Number, exit, "the boot manager line came before the hand-over");
        BootAssert.True(run.Serial.IndexOf("^(RECOVERY (PHASE|NIC|STATIC|LEASE|OFFER|WAITING|WRITE)|FIRMWARE MARKER)") < 0, exit,
            "a network or write step although the region is valid");
        IReadOnlyList<string> recovery = Tcpdump.Summaries(pcap, "udp and (port 40123 or port 40124)");
        Assert.True(recovery.Count == 0, "recovery traffic on the bridge:\n" + string.Join("\n", recovery));
    }
}
