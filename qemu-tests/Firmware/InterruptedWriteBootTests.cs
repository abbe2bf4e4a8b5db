using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Firmware;
using UefiRecovery.Testbed.Qemu;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.QemuTests.Firmware;

/// <summary>
/// Power loss during a real FVB write: restore-selftest rewrites every block of the NV region (after the ESP
/// marker says in-progress) and the power is cut exactly at one vars-file write (strace,
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
    /// The cut: 5000 vars-file writes into the app's write. strace traces the whole boot (no console line comes early
    /// enough before the write to attach on, and nothing holds the app back), so a traced reference boot counts OVMF's
    /// own boot writes first (about 16,500, the same in every boot of this setup). restore-selftest from the pristine
    /// vars then writes about 16,800 (132 erases, mostly one FFh byte each, then the ~16,300 bytes of variables in
    /// blocks 4..0), so the cut falls while the variable store's blocks are programmed, headers intact.
    /// </summary>
    private const int IntoTheWrite = 5000;

    [Fact]
    public async Task RestoreSelfTest_CutDuringWrite_NextBootInvalidRecoveryInProgress()
    {
        string runDirectory = TestEnvironment.NewRunDirectory("fvb-cut");
        string espTemplate = Path.Combine(runDirectory, "esp-template.img");
        new EspBuilder().WithBootApplication(EfiAppBinary.Require()).BuildFatImage(espTemplate);

        string referenceTrace = Path.Combine(runDirectory, "reference.trace");
        QemuExit reference = await WriteAsync(runDirectory, "0-reference", espTemplate, new FlashWriteTracing { TracePath = referenceTrace });
        BootAssert.True(Regex.IsMatch(reference.SerialText, "^FIRMWARE SELFTEST-WRITE recovery=recovered ", RegexOptions.Multiline), reference, "the reference write");
        IReadOnlyList<FlashWrite> all = FlashWriteTrace.Read(referenceTrace);
        int first = 0;
        while (first < all.Count && !all[first].IsErase)
        {
            first++;
        }
        BootAssert.True(first < all.Count && all[first].Block == 131 && all.Count - first > IntoTheWrite, reference,
            $"the app's write (from block 131's erase) in the reference trace: {all.Count} writes, first erase at {first}");

        string trace = Path.Combine(runDirectory, "cut.trace");
        QemuExit killed = await WriteAsync(runDirectory, "1-cut", espTemplate,
            new FlashWriteTracing { TracePath = trace, CutBeforeWrite = first + IntoTheWrite + 1 });
        IReadOnlyList<FlashWrite> writes = FlashWriteTrace.Read(trace);
        BootAssert.True(Regex.IsMatch(killed.SerialText, "^FIRMWARE MARKER state=in-progress written=yes", RegexOptions.Multiline)
            && !Regex.IsMatch(killed.SerialText, "^FIRMWARE SELFTEST-WRITE recovery=", RegexOptions.Multiline), killed, "cut inside the write");
        int landed = FlashWriteTrace.CutIndex(writes);
        BootAssert.True(landed == first + IntoTheWrite && writes[first].IsErase && writes[first].Block == 131, killed,
            $"the cut boot wrote as the reference did up to the cut: {writes.Count} writes, the cut landed at {landed}");
        _output.WriteLine($"cut before {writes[landed]}; blocks differing from the start afterwards: "
            + FlashBlocks.Differing(PristineVars.Read(), File.ReadAllBytes(killed.VarsPath)));

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
        return await run.WaitForExitAsync();
    }
}
