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
    // Expected lines: runtime-shim/README.md, "Self-test protocol". Every kind on both architectures: on arm64
    // a null read is a synchronous data abort (ESR/FAR) and a zero divisor ILC's own test, not CPU traps as on x64.
    private static readonly (string Kind, string RuntimeKind, string? ExactDetail)[] Kinds =
    {
        ("bounds", "IndexOutOfRange", null),
        ("null", "NullReference", null),
        ("overflow", "Overflow", null),
        ("divide-by-zero", "DivideByZero", null),
        ("invalid-cast", "InvalidCast", null),
        ("array-store", "ArrayTypeMismatch", null),
        ("failfast", "FailFast", "selftest: explicit Environment.FailFast"),
        ("out-of-memory", "OutOfMemory", null),
    };

    public static TheoryData<string, string, string, string?> KindsOnEveryArch()
    {
        var data = new TheoryData<string, string, string, string?>();
        foreach (QemuArch arch in QemuArch.All)
        {
            foreach ((string kind, string runtimeKind, string? exactDetail) in Kinds)
            {
                data.Add(arch.Name, kind, runtimeKind, exactDetail);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(KindsOnEveryArch))]
    public async Task Boot_FailFastKind_PrintsReasonAndStops(string arch, string kind, string runtimeKind, string? exactDetail)
    {
        AppBootResult boot = await AppBoot.RunAsync(arch == "x64" ? "failfast-" + kind : "failfast-" + kind + "-" + arch, new[]
        {
            EfiAppConsole.SelfTestModeOemString,
            EfiAppConsole.DebugExitOemString,
            EfiAppConsole.FailFastOemPrefix + kind,
        }, new AppBootSetup { Arch = QemuArch.Parse(arch) });

        SerialLine? trigger = boot.Serial.Find(EfiAppConsole.FailFastTrigger(kind));
        SerialLine? reason = boot.Serial.Find(EfiAppConsole.FailFastLine(runtimeKind));
        BootAssert.NotNull(trigger, boot.Exit, "'SELFTEST FAILFAST-TRIGGER " + kind + "'");
        BootAssert.SentinelAndExitCode(boot.Exit, reason, $"'FAILFAST: {runtimeKind}: <detail>'",
            DebugExit.ExitCodeFor(EfiAppConsole.ExitFailFast));
        BootAssert.True(reason!.Number > trigger!.Number, boot.Exit, "the fail-fast line came before the trigger");
        BootAssert.True(exactDetail == null || reason.Text == $"FAILFAST: {runtimeKind}: {exactDetail}", boot.Exit,
            $"fail-fast detail should be '{exactDetail}'");
        BootAssert.True(boot.Serial.Find(new Regex("did not stop")) == null, boot.Exit, "the trigger returned");
        // A null read is reported from the CPU's fault with the faulting instruction (RIP on x64, ELR on arm64)
        // and an address in page 0, not from some other path that happens to print NullReference.
        BootAssert.True(kind != "null" || new Regex(@"^FAILFAST: NullReference: .*" + (arch == "x64" ? "RIP" : "ELR") + @": 0x[0-9A-Fa-f]+, address: ?0x[0-9A-Fa-f]{1,3}$").IsMatch(reason.Text),
            boot.Exit, "the null reference should name the faulting instruction and a page-0 address");
    }
}
