using System.Text.RegularExpressions;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.QemuTests.Bmc;

/// <summary>The checks every BMC configuration boot shares: a console line, and the fvbcheck boot ending as SMBIOS chose.</summary>
internal static class BmcBootAssert
{
    public static void Find(AppBootResult boot, string pattern) =>
        BootAssert.NotNull(boot.Serial.Find(new Regex(pattern)), boot.Exit, "'" + pattern + "'");

    /// <summary>No setting credited to the BMC: nothing ends in <c>source=bmc</c>.</summary>
    public static void NothingFromBmc(AppBootResult boot, string why) =>
        BootAssert.True(boot.Serial.Find(new Regex(@"source=bmc$")) == null, boot.Exit, why);

    /// <summary>The resolution ended with SMBIOS's fvbcheck, nothing rejected, and the debug exit reported success.</summary>
    public static void DoneWithSmbiosMode(AppBootResult boot) =>
        BootAssert.SentinelAndExitCode(boot.Exit, boot.Serial.Find(new Regex("^CONFIG DONE mode=fvbcheck source=smbios rejected=0$")),
            "'CONFIG DONE mode=fvbcheck source=smbios rejected=0'", DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
}
