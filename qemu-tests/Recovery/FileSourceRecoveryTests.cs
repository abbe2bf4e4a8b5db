using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Firmware;
using UefiRecovery.Testbed.Qemu;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// Images from a predetermined location (issue #18, first part): the capsule on a USB stick (a FAT image on
/// <c>usb-storage</c> behind <c>qemu-xhci</c>), no network at all. The machine's region is the one an interrupted
/// recovery leaves; <c>uefirecovery.source=file:...</c> entries are tried in order, each image verified exactly like a
/// donor's before anything is written.
/// </summary>
public sealed class FileSourceRecoveryTests
{
    private const string GoodPath = "\\recovery\\ovmf-vars.cap";
    private const string TamperedPath = "\\recovery\\tampered.cap";
    private static readonly TimeSpan BootTimeout = TimeSpan.FromMinutes(6);

    private readonly ITestOutputHelper _output;

    public FileSourceRecoveryTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Recover_TamperedThenGoodCapsuleOnUsbStickNoNetwork_FirstRefusedSecondWrittenVarsEqualPayload()
    {
        E2eRecoveryFiles files = await E2eRecoveryFiles.CreateAsync("file-usb");
        byte[] capsule = File.ReadAllBytes(Directory.GetFiles(files.Images, "*.cap").Single());
        byte[] tampered = (byte[])capsule.Clone();
        tampered[^100] ^= 0x01; // in the payload: only the signature can notice
        string stick = UsbStick.Build(StickPath(files), (GoodPath, capsule), (TamperedPath, tampered));

        (QemuExit exit, SerialLog serial) = await Boot(files, stick, "volume-wait=0", "file:" + TamperedPath, "file:" + GoodPath);

        SerialLine? rejected = serial.Find(new Regex(@"^RECOVERY SOURCE file path=\\recovery\\tampered\.cap rejected code=\d+ reason=\S+ "));
        BootAssert.NotNull(rejected, exit, "the tampered capsule refused");
        SerialLine? read = serial.Find(SourceReadLines.File(GoodPath, capsule.Length));
        BootAssert.NotNull(read, exit, "the good capsule read from the stick");
        BootAssert.True(serial.IndexOf("^FIRMWARE MARKER state=in-progress") > serial.IndexOf(@"^RECOVERY SOURCE file path=\\recovery\\ovmf-vars\.cap read"), exit,
            "a write step before the good capsule was read and verified");
        BootAssert.True(serial.IndexOf("^RECOVERY PHASE network") < 0, exit, "the network was used");
        BootAssert.SentinelAndExitCode(exit, serial.Find(new Regex("^RECOVERY DONE verdict=recovered reason=none$")),
            "'RECOVERY DONE verdict=recovered'", DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
        byte[] after = File.ReadAllBytes(exit.VarsPath);
        BootAssert.True(files.Payload.AsSpan().SequenceEqual(after), exit, "vars differ from the payload in blocks " + FlashBlocks.Differing(files.Payload, after));
        _output.WriteLine(read!.Text);
    }

    [Fact]
    public async Task Recover_NoCapsuleOnAnyVolume_SkippedNoImageNothingWritten()
    {
        E2eRecoveryFiles files = await E2eRecoveryFiles.CreateAsync("file-missing");
        string stick = UsbStick.Build(StickPath(files), ("\\recovery\\other.txt", new byte[] { 1, 2, 3 }));

        (QemuExit exit, SerialLog serial) = await Boot(files, stick, "volume-wait=6", "file:" + GoodPath);

        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY SOURCE file path=\\recovery\\ovmf-vars\.cap skipped reason=not-found volumes=\d+$")), exit, "the skip");
        // No donors follow, so it watches for a stick for uefirecovery.timeout.volume-wait, looks again on its 5 s timer, then gives up.
        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY SOURCE waiting for a volume seconds=6 watch=arrival\+timer$")), exit, "the wait");
        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY SOURCE rescan cause=timer after-ms=\d+ volumes=\d+$")), exit, "the timer rescan");
        BootAssert.SentinelAndExitCode(exit, serial.Find(new Regex("^RECOVERY DONE verdict=failed reason=no-image$")),
            "'RECOVERY DONE verdict=failed reason=no-image'", DebugExit.ExitCodeFor(EfiAppConsole.ExitFailure));
        BootAssert.True(serial.IndexOf("^FIRMWARE MARKER state=in-progress") < 0, exit, "a write step");
        // OVMF writes its own variables at every boot (blocks 0-4); the FTW area, where the interrupted recovery left its
        // garbage, is what a recovery would have rewritten.
        byte[] after = File.ReadAllBytes(exit.VarsPath);
        BootAssert.True(files.Interrupted.AsSpan(0x40000).SequenceEqual(after.AsSpan(0x40000)), exit,
            "the FTW area changed: blocks " + FlashBlocks.Differing(files.Interrupted, after));
    }

    [Fact]
    public async Task Recover_StickPluggedInWhileWaiting_ArrivalSeenCapsuleWrittenVarsEqualPayload()
    {
        // The field engineer's order: boot the machine, then plug the stick in. The firmware's USB bus driver connects
        // it, its file system's arrival is signalled, and the file sources are read again.
        E2eRecoveryFiles files = await E2eRecoveryFiles.CreateAsync("file-hotplug");
        byte[] capsule = File.ReadAllBytes(Directory.GetFiles(files.Images, "*.cap").Single());
        string stick = UsbStick.Build(StickPath(files), (GoodPath, capsule));
        var monitor = new QemuMonitor();
        QemuMachine machine = Machine(files, "1-boot", new[] { "file:" + GoodPath }, "volume-wait=300",
            UsbStick.ControllerOnly(stick).Concat(monitor.Arguments).ToArray());

        await using QemuRun run = machine.Start();
        SerialLine? waiting = await run.Serial.WaitForLineAsync(@"^RECOVERY SOURCE waiting for a volume seconds=300 watch=arrival\+timer$", BootTimeout);
        string plugged = waiting == null ? "(not plugged: no wait line)" : await monitor.RunAsync("device_add usb-storage,bus=xhci.0,drive=stick,id=stick0", TimeSpan.FromSeconds(30));
        QemuExit exit = await run.WaitForExitAsync();
        SerialLog serial = run.Serial;

        BootAssert.NotNull(waiting, exit, "the wait for a volume");
        BootAssert.True(plugged.Length == 0, exit, "device_add answered: " + plugged);
        SerialLine? rescan = serial.Find(new Regex(@"^RECOVERY SOURCE rescan cause=arrival after-ms=\d+ volumes=\d+$"));
        BootAssert.NotNull(rescan, exit, "a rescan caused by the stick's arrival");
        SerialLine? read = serial.Find(SourceReadLines.File(GoodPath, capsule.Length));
        BootAssert.NotNull(read, exit, "the capsule read from the plugged stick");
        BootAssert.True(serial.IndexOf(@"^RECOVERY SOURCE file path=\\recovery\\ovmf-vars\.cap read") > serial.IndexOf("^RECOVERY SOURCE rescan cause=arrival"), exit,
            "the capsule was read before the stick arrived");
        BootAssert.SentinelAndExitCode(exit, serial.Find(new Regex("^RECOVERY DONE verdict=recovered reason=none$")),
            "'RECOVERY DONE verdict=recovered'", DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
        byte[] after = File.ReadAllBytes(exit.VarsPath);
        BootAssert.True(files.Payload.AsSpan().SequenceEqual(after), exit, "vars differ from the payload in blocks " + FlashBlocks.Differing(files.Payload, after));
        _output.WriteLine(rescan!.Text);
        _output.WriteLine(read!.Text);
    }

    private static string StickPath(E2eRecoveryFiles files) => Path.Combine(files.RunDirectory, "usb-stick.img");

    /// <summary>A boot with the stick plugged in from the start; <paramref name="volumeWait"/> is "volume-wait=N".</summary>
    private static Task<AppBootResult> Boot(E2eRecoveryFiles files, string stick, string volumeWait, params string[] sources) =>
        Machine(files, "1-boot", sources, volumeWait, UsbStick.PluggedIn(stick)).RunToExitAsync();

    private static QemuMachine Machine(E2eRecoveryFiles files, string boot, string[] sources, string volumeWait, string[] qemuArguments) =>
        new(new QemuMachineOptions
        {
            BootDisk = files.BuildEsp(),
            RunDirectory = files.Boot(boot),
            OemStrings = E2eRecoveryLab.SourceOemStrings(
                new[] { "uefirecovery.timeout." + volumeWait }.Concat(sources.Select(s => "uefirecovery.source=" + s)).ToArray()),
            Timeout = BootTimeout,
            VarsTemplatePath = files.InterruptedVarsPath,
            ExtraArguments = qemuArguments,
        });
}
