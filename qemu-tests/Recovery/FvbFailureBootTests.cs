using System.Collections.Generic;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Firmware;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Qemu;
using Xunit;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// A failing FVB call in the recovery path ends the run with its reason before anything is erased (issue #11):
/// a forced recovery, fully configured, with the test-only SMBIOS key <c>uefirecovery.test.fvb-fail</c> making one
/// call fail with EFI_DEVICE_ERROR. The boot must print the call and status, end
/// <c>RECOVERY DONE verdict=failed reason=fvb-NAME</c> with no marker written and no network started, and leave
/// the flash with no bit set that the pristine file had clear (an erase would set them; OVMF's own boot only clears).
/// </summary>
public sealed class FvbFailureBootTests
{
    [Theory]
    [InlineData("open")]
    [InlineData("get-block-size")]
    [InlineData("get-attributes")]
    [InlineData("get-physical-address")]
    public async Task Recover_FvbCallFails_DoneFailedWithReasonNothingErased(string call)
    {
        var oem = new List<string>(E2eRecoveryLab.MachineOemStrings("recover", E2eRecoveryLab.Subnet + ".40"))
        {
            "uefirecovery.test.fvb-fail=" + call,
        };
        FirmwareBoot.Result boot = await FirmwareBoot.RunAsync("rcv-fvb-fail-" + call, oem);

        BootAssert.NotNull(boot.Serial.Find(new Regex("^CONFIG test\\.fvb-fail=" + Regex.Escape(call) + " source=smbios$")), boot.Exit,
            "the test key applied from SMBIOS");
        BootAssert.NotNull(boot.Serial.Find(new Regex("^RECOVERY FVB call=" + Regex.Escape(call) + " status=0x8000000000000007 injected=yes$")), boot.Exit,
            "the failed call and its status");
        BootAssert.SentinelAndExitCode(boot.Exit, boot.Serial.Find(new Regex("^RECOVERY DONE verdict=failed reason=fvb-" + Regex.Escape(call) + "$")),
            "'RECOVERY DONE verdict=failed reason=fvb-" + call + "'", DebugExit.ExitCodeFor(EfiAppConsole.ExitFailure));
        BootAssert.True(boot.Serial.Find(new Regex("^(FIRMWARE MARKER|RECOVERY PHASE|RECOVERY WRITE)")) == null, boot.Exit,
            "nothing after the failed call: no marker, no network, no write");
        byte[] pristine = PristineVars.Read();
        for (int i = 0; i < pristine.Length; i++)
        {
            Assert.True((boot.VarsAfter[i] & ~pristine[i]) == 0, $"byte 0x{i:X} gained bits (0x{pristine[i]:X2} -> 0x{boot.VarsAfter[i]:X2}): something was erased");
        }
    }
}
