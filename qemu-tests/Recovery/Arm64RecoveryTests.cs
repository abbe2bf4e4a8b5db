using System;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Firmware;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// Recovery end to end on AArch64 (issue #16): BOOTAA64.EFI in AAVMF with the real manager, AAVMF's VirtioNetDxe on a tap.
/// AAVMF's variable flash is the whole 64 MiB pflash; its NorFlashDxe formats it at the first boot, with an FV header of
/// FvLength 0xC0000 whose block map describes the device (256 × 256 KiB), so the machine's target says
/// <c>map=device</c> (docs/firmware-regions.md). The payload is the region of a flash AAVMF formatted in a first boot;
/// the damage is an interrupted recovery (the ESP marker in progress, 4 KiB of garbage in the FTW spare block).
/// Needs root (namespace, bridge, tap); otherwise reported as skipped.
/// </summary>
public sealed class Arm64RecoveryTests
{
    private const string NamespacePrefix = "rcva";
    private const int RegionLength = 0xC0000;
    private const int SpareGarbageOffset = 0x80000 + 0x1000;
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromMinutes(15);
    private static readonly QemuArch Arm64 = QemuArch.Arm64;

    /// <summary>AAVMF's NV region for the vectors' image type: 3 blocks of 256 KiB, the header's block map the device's.</summary>
    public static string TargetOemString =>
        "uefirecovery.target=" + RecoveryManager.ImageType + ",fv=FFF12B8D-7696-4C8B-A985-2747075B4F50,size=0xC0000,block=0x40000,map=device";

    private readonly ITestOutputHelper _output;

    public Arm64RecoveryTests(ITestOutputHelper output) => _output = output;

    [RootFact]
    public async Task Recover_AavmfInterruptedRegion_RegionEqualsPayloadResultSuccessNextBootValid()
    {
        string runDirectory = TestEnvironment.NewRunDirectory("rcv-arm64");
        EspImage esp = new EspBuilder().WithBootApplication(EfiAppBinary.Require(Arm64), Arm64.EspBootPath).WithInProgressMarker()
            .BuildFatImage(Path.Combine(runDirectory, "esp.img"));
        using E2eSegment segment = E2eSegment.Create(NamespacePrefix);

        var (payload, images, damaged, damagedPath) = await InterruptedRegionAsync(runDirectory, segment, esp, RecoveryManager.Rsa2048TestKey, seed: 16);
        string results = Path.Combine(runDirectory, "results.jsonl");

        using NamespaceProcess manager = await RecoveryManager.ServeAsync(segment.Namespace,
            E2eRecoveryLab.Serve(images, results, gatherSeconds: null) with { Name = "rcv-arm64" });
        string[] oemStrings = [.. E2eRecoveryLab.MachineOemStrings("auto", E2eRecoveryLab.MachineAddress), TargetOemString];
        QemuMachine recovering = Machine(Path.Combine(runDirectory, "1-recover"), segment, esp, oemStrings, RecoveryTimeout, damagedPath);
        (QemuExit exit, SerialLog serial) = await recovering.RunToExitAsync();
        string context = "\nmanager:\n" + manager.Output;

        BootAssert.NotNull(serial.Find(new Regex(
            @"^RECOVERY REGION verdict=invalid reason=recovery-in-progress message=""[^""]+"" marker=in-progress$")), exit, "the invalid verdict");
        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY OFFER donor=10\.216\.0\.1:40123 .* mode=broadcast$")), exit, "the manager's offer" + context);
        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY VERIFIED version=0x00010002 payload=786432 ")), exit, "the verified capsule" + context);
        SerialLine? write = serial.Find(new Regex(@"^RECOVERY WRITE recovery=recovered result=success block=-1 written=\d+ erases=\d+ retries=0$"));
        BootAssert.NotNull(write, exit, "the blocks written and read back");
        BootAssert.True(serial.IndexOf("^FIRMWARE MARKER state=in-progress written=yes$") > serial.IndexOf("^RECOVERY VERIFIED "), exit,
            "the marker (first write step) came before the capsule was verified");
        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY RESULT outcome=success reason=0 acked=yes$")), exit, "RESULT acknowledged" + context);
        BootAssert.SentinelAndExitCode(exit, serial.Find(new Regex("^RECOVERY DONE verdict=recovered reason=none$")),
            "'RECOVERY DONE verdict=recovered'", DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
        byte[] after = File.ReadAllBytes(exit.VarsPath);
        BootAssert.True(after.AsSpan(0, RegionLength).SequenceEqual(payload), exit, "the region (first 0xC0000 bytes of the flash) differs from the payload");
        BootAssert.True(after.AsSpan(RegionLength).SequenceEqual(damaged.AsSpan(RegionLength)), exit, "the flash beyond the region changed");
        string log = string.Join("\n", E2eRecoveryLab.ResultLines(results));
        BootAssert.True(Regex.IsMatch(log, "\"clientId\":\"" + QemuMachineOptions.DefaultMacAddress + "\".*\"outcome\":\"success\",\"code\":0"), exit,
            "no success record in the result log:\n" + log + context);
        _output.WriteLine(write!.Text + "\n" + log);

        // The next boot, from the recovered flash and the same ESP (marker now complete): valid, no network needed.
        QemuMachine checking = Machine(Path.Combine(runDirectory, "2-next-boot"), segment, esp, oemStrings, TimeSpan.FromMinutes(5), exit.VarsPath);
        (QemuExit nextExit, SerialLog next) = await checking.RunToExitAsync();
        BootAssert.NotNull(next.Find(new Regex(@"^RECOVERY REGION verdict=valid reason=valid message=""[^""]+"" marker=complete$")),
            nextExit, "verdict=valid on the next boot");
        BootAssert.SentinelAndExitCode(nextExit, next.Find(new Regex("^FIRMWARE VALID$")), "'FIRMWARE VALID'",
            DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
    }

    [RootFact]
    public async Task Recover_CapsuleSignedWithAnotherKey_RefusedNothingWritten()
    {
        string runDirectory = TestEnvironment.NewRunDirectory("rcv-arm64-untrusted");
        EspImage esp = new EspBuilder().WithBootApplication(EfiAppBinary.Require(Arm64), Arm64.EspBootPath).WithInProgressMarker()
            .BuildFatImage(Path.Combine(runDirectory, "esp.img"));
        using E2eSegment segment = E2eSegment.Create(NamespacePrefix);
        var (_, images, damaged, damagedPath) = await InterruptedRegionAsync(runDirectory, segment, esp, RecoveryManager.UntrustedKey, seed: 17);
        string results = Path.Combine(runDirectory, "results.jsonl");

        // The manager serves what it is given (the rogue-donor switch): the machine's own check must refuse it.
        using NamespaceProcess manager = await RecoveryManager.ServeAsync(segment.Namespace,
            E2eRecoveryLab.Serve(images, results, gatherSeconds: null) with { Name = "rcv-arm64", InsecureServeUnverified = true });
        string[] oemStrings = [.. E2eRecoveryLab.MachineOemStrings("auto", E2eRecoveryLab.MachineAddress), TargetOemString];
        QemuMachine machine = Machine(Path.Combine(runDirectory, "1-refuse"), segment, esp, oemStrings, RecoveryTimeout, damagedPath);
        (QemuExit exit, SerialLog serial, SerialLine? rejected) = await E2eRecoveryLab.RunUntilRejectedAsync(machine, results, TimeSpan.FromMinutes(10));

        BootAssert.NotNull(rejected, exit, "RECOVERY REJECTED for the capsule signed with another key\nmanager:\n" + manager.Output);
        BootAssert.True(new Regex(@"^RECOVERY REJECTED code=202 reason=PublicKeyNotTrusted message=""[^""]+"" result-reason=2$").IsMatch(rejected!.Text),
            exit, "the rejection reason: " + rejected.Text);
        BootAssert.True(serial.IndexOf("^(FIRMWARE MARKER|RECOVERY WRITE|RECOVERY VERIFIED|RECOVERY PHASE writing)") < 0, exit,
            "a verification success or write step although the capsule was refused");
        byte[] after = File.ReadAllBytes(exit.VarsPath);
        BootAssert.True(after.AsSpan(SpareGarbageOffset, 0x1000).SequenceEqual(damaged.AsSpan(SpareGarbageOffset, 0x1000))
            && after.AsSpan(RegionLength).SequenceEqual(damaged.AsSpan(RegionLength)), exit, "the flash changed after a refused capsule");
        _output.WriteLine(rejected.Text);
    }

    /// <summary>
    /// The flash AAVMF formats at a first boot, its region packed (signed with <paramref name="key"/>) into the images folder,
    /// and that flash as an interrupted recovery leaves it (4 KiB of seeded garbage in the FTW spare block; the ESP's marker
    /// is the caller's). Every boot has the same devices (the ESP and the NIC at the same PCI slots): AAVMF keeps the boot
    /// options of the boot that formatted the flash, and a disk at another slot would leave it booting its shell.
    /// </summary>
    private static async Task<(byte[] Payload, string Images, byte[] Damaged, string DamagedPath)> InterruptedRegionAsync(
        string runDirectory, E2eSegment segment, EspImage esp, string key, int seed)
    {
        byte[] flash = File.ReadAllBytes(await FormatFlashAsync(runDirectory, segment, esp));
        byte[] payload = flash.AsSpan(0, RegionLength).ToArray();
        string payloadPath = Path.Combine(runDirectory, "payload-aavmf-vars.fd");
        File.WriteAllBytes(payloadPath, payload);
        string images = Directory.CreateDirectory(Path.Combine(runDirectory, "images")).FullName;
        await RecoveryManager.PackAsync(payloadPath, key, Path.Combine(images, "aavmf-vars.cap"));
        byte[] damaged = (byte[])flash.Clone();
        new Random(seed).NextBytes(damaged.AsSpan(SpareGarbageOffset, 0x1000));
        string damagedPath = Path.Combine(runDirectory, "interrupted-vars.fd");
        File.WriteAllBytes(damagedPath, damaged);
        return (payload, images, damaged, damagedPath);
    }

    /// <summary>A first boot of Debian's all-zero AAVMF_VARS.fd (banner only): AAVMF formats the flash; its path afterwards.</summary>
    private static async Task<string> FormatFlashAsync(string runDirectory, E2eSegment segment, EspImage esp)
    {
        QemuMachine format = Machine(Path.Combine(runDirectory, "0-format"), segment, esp, new[] { EfiAppConsole.DebugExitOemString }, TimeSpan.FromMinutes(3), null);
        (QemuExit exit, SerialLog serial) = await format.RunToExitAsync();
        BootAssert.SentinelAndExitCode(exit, serial.Find(new Regex("^UefiRecovery ")), "the banner of the formatting boot", DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
        return exit.VarsPath;
    }

    /// <summary>An AArch64 machine on the segment's tap (AAVMF's VirtioNetDxe), QEMU in the segment's namespace; null vars: Debian's pristine file.</summary>
    private static QemuMachine Machine(string runDirectory, E2eSegment segment, EspImage esp, string[] oemStrings, TimeSpan timeout, string? vars) =>
        new(new QemuMachineOptions
        {
            Arch = Arm64,
            BootDisk = esp,
            RunDirectory = runDirectory,
            Nic = NicSetup.Tap(segment.Tap, NicModel.VirtioNetOvmfDriver),
            NetworkNamespace = segment.Namespace.Name,
            OemStrings = oemStrings,
            Timeout = timeout,
            VarsTemplatePath = vars,
        });
}
