using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Qemu;
using Xunit;

namespace UefiRecovery.QemuTests.Config;

/// <summary>
/// The SMBIOS OEM strings reach the app whichever entry point QEMU hands OVMF: with the 32-bit one (SMBIOS 2.1, "_SM_",
/// QEMU 7.2's default for q35) OVMF publishes only SMBIOS_TABLE_GUID, with the 64-bit one (SMBIOS 3.0, "_SM3_") only
/// SMBIOS3_TABLE_GUID (efi-app/src/Uefi/README.md), so each row runs one of the reader's two paths in real firmware.
/// </summary>
public sealed class SmbiosEntryPointBootTests
{
    /// <summary>Rows: QEMU's <c>-machine smbios-entry-point-type</c>.</summary>
    [Theory]
    [InlineData("32")]
    [InlineData("64")]
    public async Task Boot_SmbiosEntryPointType_OemStringsReadModeAndDebugExitApplied(string entryPointType)
    {
        AppBootResult boot = await AppBoot.RunAsync("smbios-" + entryPointType, new[] { "uefirecovery.mode=fvbcheck", EfiAppConsole.DebugExitOemString },
            new AppBootSetup { QemuArguments = new[] { "-machine", "smbios-entry-point-type=" + entryPointType } });

        BootAssert.NotNull(boot.Serial.Find(new Regex("^CONFIG mode=fvbcheck source=smbios$")), boot.Exit, "the mode from SMBIOS");
        BootAssert.NotNull(boot.Serial.Find(new Regex("^CONFIG debugexit=1 source=smbios$")), boot.Exit, "debugexit from SMBIOS");
        // The mode really ran, and the debug exit (only ever set from SMBIOS here) ended the machine.
        BootAssert.SentinelAndExitCode(boot.Exit, boot.Serial.Find(new Regex("^FIRMWARE FVBCHECK DONE result=ok$")), "'FIRMWARE FVBCHECK DONE result=ok'",
            DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
    }
}
