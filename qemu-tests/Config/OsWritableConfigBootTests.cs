using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.QemuTests.Recovery;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Firmware;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.QemuTests.Config;

/// <summary>
/// Issue #10, finding 6, in OVMF: the running OS can write the ESP file <c>uefirecovery.cfg</c>; from it the
/// app must not be made to write flash. Each boot is compared with a control boot (OVMF programs variables
/// at every boot): the vars file, QEMU's trace of the NV flash (block erases, program commands) and the
/// recovery marker on the ESP image (docs/config.md, "What the running OS can do").
/// </summary>
public sealed class OsWritableConfigBootTests
{
    private const string ProtectedRefusal = "protected key: not taken from a source the OS can write";

    private readonly ITestOutputHelper _output;

    public OsWritableConfigBootTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task EspFile_FvbCheckRestoreSelfTest_WriteRefusedNothingErased()
    {
        // The file of finding 6: before the fix it rewrote all 132 blocks at every boot.
        ConfigBoot.WatchedResult control = await ConfigBoot.RunWatchingFlashAsync("config-os-fvb-control", espFile: null,
            new[] { "uefirecovery.mode=fvbcheck", EfiAppConsole.DebugExitOemString });
        ConfigBoot.WatchedResult boot = await ConfigBoot.RunWatchingFlashAsync("config-os-fvb-write",
            ConfigBoot.Text("uefirecovery.mode=fvbcheck\nuefirecovery.fvbcheck.write=restore-selftest\n"),
            new[] { EfiAppConsole.DebugExitOemString });
        _output.WriteLine("control: " + control.Flash + "\nesp-file boot: " + boot.Flash);

        Find(boot, @"^CONFIG mode=fvbcheck source=esp-file$");
        Find(boot, @"^CONFIG rejected source=esp-file line=2 entry=""uefirecovery\.fvbcheck\.write=restore-selftest"" reason=""" + ProtectedRefusal + @"""$");
        Find(boot, @"^FIRMWARE FVBCHECK BEGIN target-fs=FFF12B8D-7696-4C8B-A985-2747075B4F50 size=0x84000 blocks=132x4096 write=none$");
        BootAssert.True(boot.Serial.Find(new Regex("^FIRMWARE (SELFTEST-WRITE|MARKER state=)")) == null, boot.Exit, "a self-test write step");
        BootAssert.SentinelAndExitCode(boot.Exit, boot.Serial.Find(new Regex("^FIRMWARE FVBCHECK DONE result=ok$")), "'FIRMWARE FVBCHECK DONE result=ok'",
            DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
        AssertNothingWrittenBeyondControl(control, boot);
    }

    [Fact]
    public async Task EspFileMode_SmbiosRestoreSelfTest_FvbCheckRefusesTheWrite()
    {
        // Defence in depth in FvbCheckMode: the write key is from SMBIOS (allowed), but the mode that leads to
        // it came from the OS-writable file, so the write path itself refuses and says which key and source.
        ConfigBoot.WatchedResult control = await ConfigBoot.RunWatchingFlashAsync("config-os-fvbmode-control", espFile: null,
            new[] { "uefirecovery.mode=fvbcheck", EfiAppConsole.DebugExitOemString });
        ConfigBoot.WatchedResult boot = await ConfigBoot.RunWatchingFlashAsync("config-os-fvbmode",
            ConfigBoot.Text("uefirecovery.mode=fvbcheck\n"),
            new[] { "uefirecovery.fvbcheck.write=restore-selftest", EfiAppConsole.DebugExitOemString });
        _output.WriteLine("control: " + control.Flash + "\nesp-file-mode boot: " + boot.Flash);

        Find(boot, @"^CONFIG mode=fvbcheck source=esp-file$");
        Find(boot, @"^CONFIG fvbcheck\.write=restore-selftest source=smbios$");
        SerialLine? refused = boot.Serial.Find(new Regex("^FIRMWARE SELFTEST-WRITE result=refused reason=source-not-protected key=mode source=esp-file$"));
        BootAssert.NotNull(refused, boot.Exit, "the write refused, naming the mode's source");
        BootAssert.True(boot.Serial.Find(new Regex("^FIRMWARE (SELFTEST-WRITE BEGIN|MARKER state=)")) == null, boot.Exit, "a self-test write step");
        BootAssert.SentinelAndExitCode(boot.Exit, boot.Serial.Find(new Regex("^FIRMWARE FVBCHECK DONE result=fail$")), "'FIRMWARE FVBCHECK DONE result=fail'",
            DebugExit.ExitCodeFor(EfiAppConsole.ExitFailure));
        AssertNothingWrittenBeyondControl(control, boot);
    }

    /// <summary>
    /// <c>mode=recover</c> in the ESP file on a machine whose platform asks for <c>mode=auto</c> (SMBIOS) and whose
    /// region is valid, with the real manager serving a trusted capsule on the same bridge: before the fix this
    /// was a forced reflash of all 132 blocks; now the line is refused, auto hands over, nothing goes on the wire.
    /// </summary>
    [RootFact]
    public async Task EspFileModeRecover_ValidRegionManagerServing_NoRecoveryNoWrite()
    {
        string runDirectory = TestEnvironment.NewRunDirectory("config-os-recover");
        (byte[] pristine, string images) = await E2eRecoveryLab.PackTrustedCapsuleAsync(runDirectory);
        EspImage esp = E2eRecoveryLab.EspWith(interruptedMarker: false)
            .WithFile(ConfigBoot.EspFilePath, ConfigBoot.Text("uefirecovery.mode=recover\n"))
            .BuildFatImage(Path.Combine(runDirectory, "esp.img"));
        string results = Path.Combine(runDirectory, "results.jsonl");
        string trace = Path.Combine(runDirectory, "pflash-trace.log");

        using E2eSegment segment = E2eSegment.Create();
        using NamespaceProcess manager = await RecoveryManager.ServeAsync(segment.Namespace, E2eRecoveryLab.Serve(images, results, gatherSeconds: 1));

        var machine = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = esp,
            RunDirectory = Path.Combine(runDirectory, "1-boot"),
            Nic = NicSetup.Tap(segment.Tap, NicModel.VirtioNetOvmfDriver),
            NetworkNamespace = segment.Namespace.Name,
            OemStrings = E2eRecoveryLab.MachineOemStrings("auto", E2eRecoveryLab.MachineAddress),
            Timeout = TimeSpan.FromMinutes(5),
            ExtraArguments = FlashWatch.QemuArguments(trace),
        });
        (QemuExit exit, SerialLog serial) = await machine.RunToExitAsync();
        string managerOutput = E2eRecoveryLab.SaveManagerLog(runDirectory, manager);
        FlashWatch.Counts flash = FlashWatch.Read(trace, esp);
        _output.WriteLine("boot: " + flash + "\nmanager:\n" + managerOutput);

        BootAssert.NotNull(serial.Find(new Regex(@"^CONFIG mode=auto source=smbios$")), exit, "the platform's mode");
        BootAssert.NotNull(serial.Find(new Regex(
            @"^CONFIG rejected source=esp-file line=1 entry=""uefirecovery\.mode=recover"" reason=""mode=recover rewrites a valid region: not taken from a source the OS can write""$")),
            exit, "the file's mode=recover refused with its reason");
        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY BEGIN mode=auto$")), exit, "auto mode, not recover");
        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY REGION verdict=valid ")), exit, "the valid verdict");
        BootAssert.NotNull(serial.Find(new Regex("^RECOVERY HANDOVER boot-manager$")), exit, "the hand-over");
        BootAssert.SentinelAndExitCode(exit, serial.Find(new Regex("^FIRMWARE VALID$")), "'FIRMWARE VALID'", DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
        BootAssert.True(serial.IndexOf("^(RECOVERY (PHASE|NIC|STATIC|LEASE|OFFER|WAITING|VERIFIED|WRITE)|FIRMWARE MARKER)") < 0, exit,
            "a network or write step although the region is valid and recover was refused");
        Assert.DoesNotContain("REQUEST from", managerOutput, StringComparison.Ordinal);
        Assert.Empty(E2eRecoveryLab.ResultLines(results));

        // The flash: no block erased, the FTW area as shipped (OVMF's own writes are in blocks 0-4), no marker.
        Assert.True(flash.Commands > 0, "the trace saw none of OVMF's own variable writes: is it running? " + flash);
        Assert.Equal(0, flash.Erases);
        Assert.False(flash.MarkerOnEsp, "the app wrote its recovery marker to the ESP");
        byte[] after = File.ReadAllBytes(exit.VarsPath);
        Assert.True(after.AsSpan(0x40000).SequenceEqual(pristine.AsSpan(0x40000)), "FTW blocks changed: " + FlashBlocks.Differing(pristine, after));
    }

    private static void AssertNothingWrittenBeyondControl(ConfigBoot.WatchedResult control, ConfigBoot.WatchedResult boot)
    {
        // The trace is live (OVMF's own variable writes show in both), the boot erased no more blocks than the
        // control boot, wrote no marker, and left the vars file as the control boot left it.
        Assert.True(control.Flash.Commands > 0 && boot.Flash.Commands > 0, $"the trace saw no flash commands: control {control.Flash}, boot {boot.Flash}");
        Assert.Equal(control.Flash.Erases, boot.Flash.Erases);
        Assert.False(control.Flash.MarkerOnEsp || boot.Flash.MarkerOnEsp, $"a recovery marker on the ESP: control {control.Flash}, boot {boot.Flash}");
        Assert.Equal(control.VarsAfter, boot.VarsAfter);
    }

    private static void Find(ConfigBoot.WatchedResult boot, string pattern) =>
        BootAssert.NotNull(boot.Serial.Find(new Regex(pattern)), boot.Exit, pattern);
}
