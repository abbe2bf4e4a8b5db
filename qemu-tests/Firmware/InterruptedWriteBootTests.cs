using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Qemu;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.QemuTests.Firmware;

/// <summary>
/// Power loss during a real FVB write: restore-selftest rewrites every block of the NV region (after the ESP
/// marker says in-progress) and the power is cut exactly at one vars-file write (strace, attached on the app's banner,
/// <see cref="FlashWriteTracing"/>) while the variable store's blocks are being programmed. The next boot, with the vars
/// file and ESP image as the cut left them, must still reach the app (the header block is written last) and must
/// call the region invalid with reason recovery-in-progress, however the region's bytes look. docs/firmware-regions.md.
/// The ESP is a FAT image: QEMU's vvfat (fat:rw:DIR) did not keep the file the guest wrote.
/// </summary>
public sealed class InterruptedWriteBootTests
{
    private readonly ITestOutputHelper _output;

    public InterruptedWriteBootTests(ITestOutputHelper output) => _output = output;

    /// <summary>
    /// The cut: before the 5000th vars-file write after the app's banner. restore-selftest from the pristine vars writes
    /// about 16,800 (132 erases, mostly one FFh byte each, then OVMF's ~16,300 bytes of variables in blocks 4..0), so
    /// this falls while the variable store's blocks are being programmed, headers intact.
    /// </summary>
    private const int CutBeforeWrite = 5000;

    [Fact]
    public async Task RestoreSelfTest_CutDuringWrite_NextBootInvalidRecoveryInProgress()
    {
        string runDirectory = TestEnvironment.NewRunDirectory("fvb-cut");
        string espTemplate = Path.Combine(runDirectory, "esp-template.img");
        new EspBuilder().WithBootApplication(EfiAppBinary.Require()).BuildFatImage(espTemplate);

        string trace = Path.Combine(runDirectory, "cut.trace");
        QemuExit killed = await WriteAsync(runDirectory, "1-cut", espTemplate,
            new FlashWriteTracing { TracePath = trace, CutBeforeWrite = CutBeforeWrite, AttachOn = EfiAppConsole.Banner });
        IReadOnlyList<FlashWrite> writes = FlashWriteTrace.Read(trace);
        BootAssert.True(Regex.IsMatch(killed.SerialText, "^FIRMWARE MARKER state=in-progress written=yes", RegexOptions.Multiline)
            && !Regex.IsMatch(killed.SerialText, "^FIRMWARE SELFTEST-WRITE recovery=", RegexOptions.Multiline), killed, "cut inside the write");
        BootAssert.True(writes.Count == CutBeforeWrite && writes[0].IsErase && writes[0].Block == 131 && !writes[^1].Made, killed,
            $"the trace: the write from block 131's erase, cut at write {CutBeforeWrite}: {writes.Count} writes, first {(writes.Count > 0 ? writes[0] : default)}");
        _output.WriteLine($"cut before {writes[^1]}; blocks differing from the start afterwards: "
            + FirmwareBoot.DifferingBlocks(FirmwareBoot.PristineVars(), File.ReadAllBytes(killed.VarsPath)));

        var checking = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = new EspImage(Path.Combine(runDirectory, "1-cut", "esp.img")),
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

    // One restore-selftest boot from Debian's pristine vars with its own copy of the ESP image.
    private static async Task<QemuExit> WriteAsync(string runDirectory, string label, string espTemplate, FlashWriteTracing tracing)
    {
        string directory = Directory.CreateDirectory(Path.Combine(runDirectory, label)).FullName;
        string esp = Path.Combine(directory, "esp.img");
        File.Copy(espTemplate, esp);
        var machine = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = new EspImage(esp),
            RunDirectory = directory,
            OemStrings = new[] { FirmwareBoot.FvbCheckMode, FirmwareBoot.RestoreSelfTest, EfiAppConsole.DebugExitOemString },
            Timeout = AppBoot.DefaultTimeout,
            FlashTracing = tracing,
        });
        await using QemuRun run = machine.Start();
        QemuExit exit = await run.WaitForExitAsync();
        BootAssert.True(run.FlashTracerStarted is { IsCompleted: true } && await (await run.FlashTracerStarted).Attached, exit,
            "strace attached on the app's banner");
        return exit;
    }
}
