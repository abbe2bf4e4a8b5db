using System.Text.RegularExpressions;

namespace UefiRecovery.Testbed.App;

/// <summary>
/// What the host knows about the EFI app's console and exit protocol: the banner, the SMBIOS OEM
/// strings that select a mode, and the isa-debug-exit values. The app side is defined in
/// runtime-shim/README.md ("Self-test protocol") and efi-app/src; this is its one host-side mirror.
/// </summary>
public static class EfiAppConsole
{
    /// <summary>First line the app prints, e.g. "UefiRecovery 0.1.0 on EDK II rev 0x10000".</summary>
    public static readonly Regex Banner = new(@"^UefiRecovery \d+\.\d+\.\d+\S* on .+ rev 0x[0-9A-Fa-f]+$");

    /// <summary>Self-test: one line per check, "SELFTEST PASS name" or "SELFTEST FAIL name".</summary>
    public static readonly Regex SelfTestFail = new(@"^SELFTEST FAIL ");

    /// <summary>Self-test end line, e.g. "SELFTEST DONE passed=42 failed=0".</summary>
    public static readonly Regex SelfTestDone = new(@"^SELFTEST DONE passed=(?<passed>\d+) failed=(?<failed>\d+)$");

    /// <summary>Printed just before a fail-fast scenario is triggered: "SELFTEST FAILFAST-TRIGGER &lt;kind&gt;".</summary>
    public static Regex FailFastTrigger(string kind) => new("^SELFTEST FAILFAST-TRIGGER " + Regex.Escape(kind) + "$");

    /// <summary>The runtime's single fail-fast line: "FAILFAST: &lt;Kind&gt;: &lt;detail&gt;".</summary>
    public static Regex FailFastLine(string runtimeKind) => new("^FAILFAST: " + Regex.Escape(runtimeKind) + ": .+");

    /// <summary>Any fail-fast line.</summary>
    public static readonly Regex AnyFailFastLine = new("^FAILFAST: ");

    /// <summary>OEM string: end the run through isa-debug-exit instead of returning to the firmware.</summary>
    public const string DebugExitOemString = "uefirecovery.debugexit=1";

    /// <summary>OEM string: run the runtime-shim self-test instead of the recovery flow.</summary>
    public const string SelfTestModeOemString = "uefirecovery.mode=selftest";

    /// <summary>OEM string prefix: in self-test mode, trigger one fail-fast of the named kind.</summary>
    public const string FailFastOemPrefix = "uefirecovery.selftest.failfast=";

    /// <summary>isa-debug-exit values the app writes (QEMU exit code = value &lt;&lt; 1 | 1).</summary>
    public const int ExitSuccess = 0;
    public const int ExitFailure = 1;
    public const int ExitFailFast = 2;

    public static string DescribeExitValue(int value) => value switch
    {
        ExitSuccess => "success",
        ExitFailure => "failure",
        ExitFailFast => "fail-fast",
        _ => "unknown exit value " + value,
    };
}
