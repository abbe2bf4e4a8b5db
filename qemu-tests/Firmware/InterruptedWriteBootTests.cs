using System;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Qemu;
using Xunit;

namespace UefiRecovery.QemuTests.Firmware;

/// <summary>
/// Power loss during a real FVB write: QEMU is killed while restore-selftest rewrites the NV region
/// (after the ESP marker says in-progress). The next boot, with the vars file and ESP image as the kill
/// left them, must still reach the app (KeepBootable order) and must call the region invalid with
/// reason recovery-in-progress, however the region's bytes look. docs/firmware-regions.md.
/// The ESP is a FAT image: QEMU's vvfat (fat:rw:DIR) did not keep the file the guest wrote.
/// </summary>
public sealed class InterruptedWriteBootTests
{
    private static readonly Regex MarkerInProgressWritten = new(@"^FIRMWARE MARKER state=in-progress written=yes$");

    [Theory]
    // Seconds after the marker line before the kill: early in the write, and mid-way (the full write of
    // 132 blocks took 12-30 s under TCG on the 2-core host, depending on load).
    [InlineData(1)]
    [InlineData(5)]
    public async Task RestoreSelfTest_KilledDuringWrite_NextBootInvalidRecoveryInProgress(int secondsAfterMarker)
    {
        string runDirectory = TestEnvironment.NewRunDirectory("fvb-killed-" + secondsAfterMarker);
        EspImage esp = new EspBuilder().WithBootApplication(EfiAppBinary.Require()).BuildFatImage(Path.Combine(runDirectory, "esp.img"));

        var writing = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = esp,
            RunDirectory = Path.Combine(runDirectory, "1-write"),
            OemStrings = new[] { FirmwareBoot.FvbCheckMode, FirmwareBoot.RestoreSelfTest, EfiAppConsole.DebugExitOemString },
            Timeout = AppBoot.DefaultTimeout,
        });
        QemuExit killed;
        await using (QemuRun run = writing.Start())
        {
            SerialLine? marker = await run.Serial.WaitForLineAsync(MarkerInProgressWritten, AppBoot.DefaultTimeout);
            if (marker != null)
            {
                await Task.Delay(TimeSpan.FromSeconds(secondsAfterMarker));
            }
            killed = await run.KillAsync();
            BootAssert.NotNull(marker, killed, "'FIRMWARE MARKER state=in-progress written=yes'");
        }
        BootAssert.True(Find(killed, "^FIRMWARE SELFTEST-WRITE recovery=") == null, killed,
            "the write completing before the kill (this machine is faster than assumed: kill earlier)");

        var checking = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = esp,
            RunDirectory = Path.Combine(runDirectory, "2-check"),
            OemStrings = new[] { FirmwareBoot.FvbCheckMode, EfiAppConsole.DebugExitOemString },
            Timeout = AppBoot.DefaultTimeout,
            VarsTemplatePath = killed.VarsPath,
        });
        await using QemuRun check = checking.Start();
        QemuExit exit = await check.WaitForExitAsync();

        BootAssert.NotNull(check.Serial.Find(new Regex(@"^FIRMWARE MARKER path=\\UEFIRECOVERY-NV\.MARKER store=esp state=in-progress$")),
            exit, "the marker read back as in-progress");
        BootAssert.NotNull(check.Serial.Find(new Regex(
            @"^FIRMWARE REGION fs=FFF12B8D-7696-4C8B-A985-2747075B4F50 .* verdict=invalid reason=recovery-in-progress message=""[^""]+""$")),
            exit, "verdict=invalid reason=recovery-in-progress");
        BootAssert.SentinelAndExitCode(exit, check.Serial.Find(new Regex("^FIRMWARE FVBCHECK DONE result=ok$")),
            "'FIRMWARE FVBCHECK DONE result=ok'", DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
    }

    private static string? Find(QemuExit exit, string pattern)
    {
        Match match = Regex.Match(exit.SerialText, pattern, RegexOptions.Multiline);
        return match.Success ? match.Value : null;
    }
}
