using System;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Qemu;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.QemuTests.App;

/// <summary>
/// The real BOOTX64.EFI in OVMF, and BOOTAA64.EFI in AAVMF: it starts, prints its banner, and ends the run
/// when asked to (isa-debug-exit on x64, semihosting on arm64, the same exit status).
/// </summary>
public sealed class BannerBootTests
{
    private readonly ITestOutputHelper _output;

    public BannerBootTests(ITestOutputHelper output) => _output = output;

    [Theory]
    [InlineData("x64")]
    [InlineData("arm64")]
    public async Task Boot_DefaultModeWithDebugExit_BannerThenSuccessExit(string arch)
    {
        QemuArch machine = QemuArch.Parse(arch);
        AppBootResult boot = await AppBoot.RunAsync(arch == "x64" ? "banner" : "banner-" + arch, new[] { EfiAppConsole.DebugExitOemString },
            new AppBootSetup { Arch = machine });

        SerialLine? banner = boot.Serial.Find(EfiAppConsole.Banner);
        BootAssert.SentinelAndExitCode(boot.Exit, banner, "banner 'UefiRecovery <version> on <vendor> rev 0x<rev>'",
            DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
        BootAssert.True(boot.Serial.Find(EfiAppConsole.AnyFailFastLine) == null, boot.Exit, "a fail-fast line in a normal boot");

        // Benchmark figure, not an assertion: QEMU process start to the banner line, and the part of it
        // after the firmware's "BdsDxe: starting" line for our disk (the app's own start-up; the rest is firmware).
        // OVMF names the q35 disk "UEFI QEMU HARDDISK", AAVMF the virtio-blk one "UEFI Misc Device".
        SerialLine? started = boot.Serial.Find(new Regex(@"^BdsDxe: starting Boot[0-9A-F]{4} ""UEFI (QEMU HARDDISK|Misc Device)"));
        string appPart = started == null
            ? "app start not seen"
            : string.Format(CultureInfo.InvariantCulture, "{0:F0} ms of it after OVMF starts the app",
                (banner!.Elapsed - started.Elapsed).TotalMilliseconds);
        string figure = string.Format(CultureInfo.InvariantCulture,
            "boot-to-banner {0:F2} s, {1} (QEMU start to the app's banner line; {7}, {8} MiB; " +
            "{9} {2} bytes, {3}; host {4} cores, load average {5}; {6:yyyy-MM-dd HH:mm} UTC)\n",
            banner!.Elapsed.TotalSeconds, appPart, new FileInfo(EfiAppBinary.PathFor(machine)).Length, TestEnvironment.Configuration,
            Environment.ProcessorCount, ReadLoadAverage(), DateTime.UtcNow, machine.Description, QemuMachineOptions.DefaultMemoryMiB,
            machine.BootFileName);
        _output.WriteLine(figure);
        TestEnvironment.Repo.WriteFigure(arch == "x64" ? "boot.txt" : "boot-" + arch + ".txt", figure);
    }

    private static string ReadLoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
