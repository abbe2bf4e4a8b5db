using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Firmware;
using UefiRecovery.Testbed.Qemu;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.QemuTests.Firmware;

/// <summary>
/// <c>uefirecovery.mode=fvbcheck</c> in OVMF 2022.11: the NV region is found through FVB, judged by the
/// validity rule, and (restore-selftest) rewritten block by block through real pflash without changing
/// a byte beyond what OVMF itself writes (measured by a control boot). docs/firmware-regions.md.
/// </summary>
public sealed class FvbCheckBootTests
{
    private static readonly Regex ValidRegion = new(
        @"^FIRMWARE REGION fs=FFF12B8D-7696-4C8B-A985-2747075B4F50 base=0x[0-9A-F]+ size=0x84000 blocks=132x4096 attrs=0x[0-9A-F]{8} backing=flash verdict=valid reason=valid message=""[^""]+""$");

    private static readonly Regex Done = new(@"^FIRMWARE FVBCHECK DONE result=(?<result>ok|fail)$");

    private readonly ITestOutputHelper _output;

    public FvbCheckBootTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task FvbCheck_PristineVars_NvRegionFoundValidOnFlashAndDxeFvSeenAsRam()
    {
        FirmwareBoot.Result boot = await FirmwareBoot.RunAsync("fvbcheck-valid", new[] { FirmwareBoot.FvbCheckMode, EfiAppConsole.DebugExitOemString });

        BootAssert.SentinelAndExitCode(boot.Exit, boot.Serial.Find(Done), "'FIRMWARE FVBCHECK DONE'", DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
        BootAssert.NotNull(boot.Serial.Find(ValidRegion), boot.Exit, "the NV region line with verdict=valid");
        // OVMF's other FVB instance is the DXE FV decompressed into RAM: the backing probe must call it RAM.
        BootAssert.NotNull(boot.Serial.Find(new Regex(@"^FIRMWARE FVB index=\d+ .* fs=8C8CE578-8A3D-4F1C-9935-896185C32DD3 .* backing=ram$")),
            boot.Exit, "the DXE FV (FFS2) instance with backing=ram");
        BootAssert.True(boot.Serial.Find(new Regex("^FIRMWARE SELFTEST-WRITE")) == null, boot.Exit, "a write without restore-selftest");
    }

    [Fact]
    public async Task FvbCheck_TargetIsTheRamDxeFv_InvalidGeometryAndNoWrite()
    {
        // Configured for the DXE FV's GUID: the instance is found by its FV header, and the verdict is
        // invalid with a reason (its 192 x 64 KiB blocks are not the configured 132 x 4 KiB).
        FirmwareBoot.Result control = await FirmwareBoot.RunAsync("fvbcheck-control-1", new[] { FirmwareBoot.FvbCheckMode, EfiAppConsole.DebugExitOemString });
        FirmwareBoot.Result boot = await FirmwareBoot.RunAsync("fvbcheck-other-target", new[]
        {
            FirmwareBoot.FvbCheckMode, EfiAppConsole.DebugExitOemString, "uefirecovery.fvbcheck.fs=8C8CE578-8A3D-4F1C-9935-896185C32DD3",
            FirmwareBoot.RestoreSelfTest,
        });

        BootAssert.NotNull(boot.Serial.Find(new Regex(
            @"^FIRMWARE REGION fs=8C8CE578-8A3D-4F1C-9935-896185C32DD3 .* backing=ram verdict=invalid reason=geometry-mismatch message=""[^""]+""$")),
            boot.Exit, "verdict=invalid reason=geometry-mismatch for the DXE FV");
        BootAssert.NotNull(boot.Serial.Find(new Regex("^FIRMWARE SELFTEST-WRITE result=refused reason=geometry-mismatch$")), boot.Exit, "the write refused");
        BootAssert.SentinelAndExitCode(boot.Exit, boot.Serial.Find(Done), "'FIRMWARE FVBCHECK DONE'", DebugExit.ExitCodeFor(EfiAppConsole.ExitFailure));
        Assert.Equal(control.VarsAfter, boot.VarsAfter);
    }

    [Fact]
    public async Task FvbCheck_RestoreSelfTest_AllBlocksRewrittenAndVarsEqualControlBoot()
    {
        FirmwareBoot.Result control = await FirmwareBoot.RunAsync("fvbcheck-control-2", new[] { FirmwareBoot.FvbCheckMode, EfiAppConsole.DebugExitOemString });
        FirmwareBoot.Result boot = await FirmwareBoot.RunAsync("fvbcheck-restore", new[]
        {
            FirmwareBoot.FvbCheckMode, EfiAppConsole.DebugExitOemString, FirmwareBoot.RestoreSelfTest,
        });

        BootAssert.NotNull(boot.Serial.Find(new Regex(
            "^FIRMWARE SELFTEST-WRITE recovery=recovered result=success block=-1 written=132 skipped=0 erases=132 retries=0 device=ok$")),
            boot.Exit, "132 blocks erased, written and verified");
        BootAssert.SentinelAndExitCode(boot.Exit, boot.Serial.Find(Done), "'FIRMWARE FVBCHECK DONE'", DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
        Assert.Equal(2, Count(boot.Serial, ValidRegion)); // before and after the write
        BootAssert.NotNull(boot.Serial.Find(new Regex("^FIRMWARE MARKER state=in-progress written=yes$")), boot.Exit, "the in-progress marker before the write");
        BootAssert.NotNull(boot.Serial.Find(new Regex("^FIRMWARE MARKER state=complete written=yes$")), boot.Exit, "the complete marker after the write");

        // OVMF's own writes during boot, measured: the control boot against the shipped file.
        _output.WriteLine("OVMF's own boot writes changed 4 KiB blocks: " + FlashBlocks.Differing(PristineVars.Read(), control.VarsAfter));
        Assert.Equal(control.VarsAfter, boot.VarsAfter);
    }

    private static int Count(SerialLog serial, Regex pattern)
    {
        int count = 0;
        foreach (SerialLine line in serial.Lines)
        {
            if (pattern.IsMatch(line.Text))
            {
                count++;
            }
        }
        return count;
    }
}
