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
/// marker says in-progress) and the power is cut exactly at one vars-file write (strace, <see cref="FlashWriteTracing"/>):
/// a third and two thirds into the app's write, counted in a traced reference boot. The next boot, with the vars
/// file and ESP image as the cut left them, must still reach the app (the header block is written last) and must
/// call the region invalid with reason recovery-in-progress, however the region's bytes look. docs/firmware-regions.md.
/// The ESP is a FAT image: QEMU's vvfat (fat:rw:DIR) did not keep the file the guest wrote.
/// </summary>
public sealed class InterruptedWriteBootTests
{
    private readonly ITestOutputHelper _output;

    public InterruptedWriteBootTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task RestoreSelfTest_CutDuringWrite_NextBootInvalidRecoveryInProgress()
    {
        string runDirectory = TestEnvironment.NewRunDirectory("fvb-cut");
        string espTemplate = Path.Combine(runDirectory, "esp-template.img");
        new EspBuilder().WithBootApplication(EfiAppBinary.Require()).BuildFatImage(espTemplate);

        // Reference: the whole self-test write, traced; the app's write starts with its first erase (block 131).
        string referenceTrace = Path.Combine(runDirectory, "reference.trace");
        QemuExit reference = await WriteAsync(runDirectory, "0-reference", espTemplate, new FlashWriteTracing { TracePath = referenceTrace });
        BootAssert.True(Regex.IsMatch(reference.SerialText, "^FIRMWARE SELFTEST-WRITE recovery=recovered ", RegexOptions.Multiline), reference, "the reference write");
        IReadOnlyList<FlashWrite> writes = FlashWriteTrace.Read(referenceTrace);
        int first = -1;
        for (int i = 0; i < writes.Count && first < 0; i++)
        {
            first = writes[i].IsErase ? i : -1;
        }
        BootAssert.True(first > 0 && writes[first].Block == 131, reference, "the app's write starts with block 131's erase");
        _output.WriteLine($"reference: {writes.Count} vars-file writes, the app's from {first}");

        foreach (int share in new[] { 1, 2 })
        {
            int cutAt = first + (writes.Count - first) * share / 3;
            string label = $"{share}-of-3";
            QemuExit killed = await WriteAsync(runDirectory, label + "-cut", espTemplate,
                new FlashWriteTracing { TracePath = Path.Combine(runDirectory, label + ".trace"), CutBeforeWrite = cutAt + 1 });
            BootAssert.True(Regex.IsMatch(killed.SerialText, "^FIRMWARE MARKER state=in-progress written=yes", RegexOptions.Multiline)
                && !Regex.IsMatch(killed.SerialText, "^FIRMWARE SELFTEST-WRITE recovery=", RegexOptions.Multiline), killed, "cut inside the write");
            _output.WriteLine($"cut before write {cutAt} ({writes[cutAt]}); blocks differing from the start afterwards: "
                + FirmwareBoot.DifferingBlocks(FirmwareBoot.PristineVars(), File.ReadAllBytes(killed.VarsPath)));

            var checking = new QemuMachine(new QemuMachineOptions
            {
                BootDisk = new EspImage(Path.Combine(runDirectory, label + "-cut", "esp.img")),
                RunDirectory = Path.Combine(runDirectory, label + "-check"),
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
        return await run.WaitForExitAsync();
    }
}
