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

/// <summary>The real BOOTX64.EFI in OVMF: it starts, prints its banner, and ends the run when asked to.</summary>
public sealed class BannerBootTests
{
    private readonly ITestOutputHelper _output;

    public BannerBootTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Boot_DefaultModeWithDebugExit_BannerThenSuccessExit()
    {
        AppBootResult boot = await AppBoot.RunAsync("banner", new[] { EfiAppConsole.DebugExitOemString });

        SerialLine? banner = boot.Serial.Find(EfiAppConsole.Banner);
        BootAssert.SentinelAndExitCode(boot.Exit, banner, "banner 'UefiRecovery <version> on <vendor> rev 0x<rev>'",
            DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
        BootAssert.True(boot.Serial.Find(EfiAppConsole.AnyFailFastLine) == null, boot.Exit, "a fail-fast line in a normal boot");

        // Benchmark figure, not an assertion: QEMU process start to the banner line, and the part of it
        // after OVMF's "BdsDxe: starting" line for our disk (the app's own start-up; the rest is firmware).
        SerialLine? started = boot.Serial.Find(new Regex(@"^BdsDxe: starting Boot[0-9A-F]{4} ""UEFI QEMU HARDDISK"));
        string appPart = started == null
            ? "app start not seen"
            : string.Format(CultureInfo.InvariantCulture, "{0:F0} ms of it after OVMF starts the app",
                (banner!.Elapsed - started.Elapsed).TotalMilliseconds);
        string figure = string.Format(CultureInfo.InvariantCulture,
            "boot-to-banner {0:F2} s, {1} (QEMU start to the app's banner line; OVMF 2022.11, q35, TCG, 256 MiB; " +
            "BOOTX64.EFI {2} bytes, {3}; host {4} cores, load average {5}; {6:yyyy-MM-dd HH:mm} UTC)\n",
            banner!.Elapsed.TotalSeconds, appPart, new FileInfo(EfiAppBinary.Path).Length, TestEnvironment.Configuration,
            Environment.ProcessorCount, ReadLoadAverage(), DateTime.UtcNow);
        _output.WriteLine(figure);
        TestEnvironment.Repo.WriteFigure("boot.txt", figure);
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
