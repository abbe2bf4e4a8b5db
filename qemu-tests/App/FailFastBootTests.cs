using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Qemu;
using Xunit;

namespace UefiRecovery.QemuTests.App;

/// <summary>
/// Every runtime error on EFI is a fail-fast: one "FAILFAST: &lt;Kind&gt;: &lt;detail&gt;" line, then the
/// machine stops with the fail-fast code. A hang or a silent return here would be a defect, and the
/// hard timeout turns a hang into a failure with the serial log attached.
/// </summary>
public sealed class FailFastBootTests
{
    [Theory]
    // Expected lines: runtime-shim/README.md, "Self-test protocol".
    [InlineData("bounds", "IndexOutOfRange", null)]
    [InlineData("null", "NullReference", null)]
    [InlineData("overflow", "Overflow", null)]
    [InlineData("divide-by-zero", "DivideByZero", null)]
    [InlineData("invalid-cast", "InvalidCast", null)]
    [InlineData("array-store", "ArrayTypeMismatch", null)]
    [InlineData("failfast", "FailFast", "selftest: explicit Environment.FailFast")]
    [InlineData("out-of-memory", "OutOfMemory", null)]
    public async Task Boot_FailFastKind_PrintsReasonAndStops(string kind, string runtimeKind, string? exactDetail)
    {
        AppBootResult boot = await AppBoot.RunAsync("failfast-" + kind, new[]
        {
            EfiAppConsole.SelfTestModeOemString,
            EfiAppConsole.DebugExitOemString,
            EfiAppConsole.FailFastOemPrefix + kind,
        });

        SerialLine? trigger = boot.Serial.Find(EfiAppConsole.FailFastTrigger(kind));
        SerialLine? reason = boot.Serial.Find(EfiAppConsole.FailFastLine(runtimeKind));
        BootAssert.NotNull(trigger, boot.Exit, "'SELFTEST FAILFAST-TRIGGER " + kind + "'");
        BootAssert.SentinelAndExitCode(boot.Exit, reason, $"'FAILFAST: {runtimeKind}: <detail>'",
            DebugExit.ExitCodeFor(EfiAppConsole.ExitFailFast));
        BootAssert.True(reason!.Number > trigger!.Number, boot.Exit, "the fail-fast line came before the trigger");
        BootAssert.True(exactDetail == null || reason.Text == $"FAILFAST: {runtimeKind}: {exactDetail}", boot.Exit,
            $"fail-fast detail should be '{exactDetail}'");
        BootAssert.True(boot.Serial.Find(new Regex("did not stop")) == null, boot.Exit, "the trigger returned");
    }
}
