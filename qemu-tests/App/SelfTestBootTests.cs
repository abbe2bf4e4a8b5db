using System.Collections.Generic;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Qemu;
using Xunit;

namespace UefiRecovery.QemuTests.App;

/// <summary>
/// uefirecovery.mode=selftest: the runtime-shim and portable checks run inside real firmware
/// (protocol: runtime-shim/README.md, "Self-test protocol"). The full self-test runs on both architectures:
/// BOOTX64.EFI in OVMF and BOOTAA64.EFI in AAVMF.
/// </summary>
public sealed class SelfTestBootTests
{
    [Theory]
    [InlineData("x64")]
    [InlineData("arm64")]
    public async Task Boot_SelfTestMode_EveryCheckPassesAndSuccessExit(string arch)
    {
        AppBootResult boot = await AppBoot.RunAsync(arch == "x64" ? "selftest" : "selftest-" + arch,
            new[] { EfiAppConsole.SelfTestModeOemString, EfiAppConsole.DebugExitOemString },
            new AppBootSetup { Arch = QemuArch.Parse(arch) });

        SerialLine? done = boot.Serial.Find(EfiAppConsole.SelfTestDone);
        BootAssert.NotNull(boot.Serial.Find(EfiAppConsole.Banner), boot.Exit, "banner");
        BootAssert.SentinelAndExitCode(boot.Exit, done, "'SELFTEST DONE passed=N failed=M'",
            DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
        Match counts = EfiAppConsole.SelfTestDone.Match(done!.Text);
        BootAssert.True(counts.Groups["failed"].Value == "0", boot.Exit, "self-test reported failures");
        BootAssert.True(int.Parse(counts.Groups["passed"].Value) > 0, boot.Exit, "self-test ran no checks");
        BootAssert.True(boot.Serial.Find(EfiAppConsole.SelfTestFail) == null, boot.Exit, "a 'SELFTEST FAIL' line");
        BootAssert.True(boot.Serial.Find(EfiAppConsole.AnyFailFastLine) == null, boot.Exit, "a fail-fast during the self-test");
    }

    [Fact]
    public async Task Boot_SelfTestWithoutDebugExit_PowersOffWithExitCodeZero()
    {
        // Without the debug-exit port the app ends the machine with ResetSystem(Shutdown): QEMU exits 0.
        AppBootResult boot = await AppBoot.RunAsync("selftest-poweroff", new[] { EfiAppConsole.SelfTestModeOemString });

        BootAssert.SentinelAndExitCode(boot.Exit, boot.Serial.Find(EfiAppConsole.SelfTestDone), "'SELFTEST DONE'", 0);
    }

    [Fact]
    public async Task Boot_UnknownFailFastKind_NamedAndFailureExit()
    {
        AppBootResult boot = await AppBoot.RunAsync("failfast-unknown", new List<string>
        {
            EfiAppConsole.SelfTestModeOemString,
            EfiAppConsole.DebugExitOemString,
            EfiAppConsole.FailFastOemPrefix + "no-such-kind",
        });

        BootAssert.SentinelAndExitCode(boot.Exit,
            boot.Serial.Find(new Regex("^SELFTEST FAIL unknown failfast kind no-such-kind$")),
            "'SELFTEST FAIL unknown failfast kind no-such-kind'",
            DebugExit.ExitCodeFor(EfiAppConsole.ExitFailure));
    }
}
