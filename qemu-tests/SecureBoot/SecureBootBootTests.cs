using System;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.QemuTests.Recovery;
using UefiRecovery.Testbed;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Firmware;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;
using UefiRecovery.Testbed.SecureBoot;
using UefiRecovery.Testbed.Tools;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.QemuTests.SecureBoot;

/// <summary>
/// Secure Boot enforced (issue #16, x64): OVMF_CODE_4M.fd with Debian's snakeoil vars (PK/KEK/db of the snakeoil key).
/// The unsigned app and a signed app changed after signing are refused by the firmware ("Access Denied"); the app
/// signed with the snakeoil db key (sbsign) recovers an interrupted region end to end with the real manager, from a
/// capsule whose payload is the snakeoil vars store itself, so the recovered region still enforces Secure Boot: on
/// the next boot the unsigned app is refused again.
/// AArch64 (AAVMF with its snakeoil vars, which trust the same key): the unsigned and the tampered BOOTAA64.EFI are
/// refused, the signed one runs its self-test and recovers AAVMF's region (the app's default target there), which then still
/// enforces Secure Boot.
/// </summary>
public sealed class SecureBootBootTests
{
    private const string AccessDenied = "^BdsDxe: failed to load Boot\\d{4} .*: Access Denied$";
    private static readonly TimeSpan RefusalTimeout = TimeSpan.FromMinutes(2);

    private readonly ITestOutputHelper _output;

    public SecureBootBootTests(ITestOutputHelper output) => _output = output;

    [Theory]
    [InlineData("x64")]
    [InlineData("arm64")]
    public async Task Boot_UnsignedApp_RefusedByTheFirmware(string arch)
    {
        QemuArch machine = QemuArch.Parse(arch);
        string run = TestEnvironment.NewRunDirectory(arch == "x64" ? "secureboot-unsigned" : "secureboot-unsigned-" + arch);
        await AssertRefusedAsync(run, EfiAppBinary.Require(machine), SnakeoilSigner.VarsPathFor(machine), machine);
    }

    [Theory]
    [InlineData("x64")]
    [InlineData("arm64")]
    public async Task Boot_SignedAppChangedAfterSigning_RefusedByTheFirmware(string arch)
    {
        QemuArch machine = QemuArch.Parse(arch);
        string run = TestEnvironment.NewRunDirectory(arch == "x64" ? "secureboot-tampered" : "secureboot-tampered-" + arch);
        string signed = Signed(run, machine);
        byte[] image = File.ReadAllBytes(signed);
        image[0x400] ^= 0x01; // in the first section: covered by the Authenticode hash
        string tampered = Path.Combine(run, Path.GetFileNameWithoutExtension(machine.BootFileName) + ".tampered.EFI");
        File.WriteAllBytes(tampered, image);
        await AssertRefusedAsync(run, tampered, SnakeoilSigner.VarsPathFor(machine), machine);
    }

    /// <summary>AArch64's positive case without a firmware region: the signed BOOTAA64.EFI runs, and its self-test passes.</summary>
    [Fact]
    public async Task Boot_SignedAppArm64_RunsSelfTestUnderSecureBoot()
    {
        QemuArch machine = QemuArch.Arm64;
        string run = TestEnvironment.NewRunDirectory("secureboot-signed-arm64");
        string signed = Signed(run, machine);
        AppBootResult boot = await AppBoot.RunAsync("secureboot-signed-arm64-boot",
            new[] { EfiAppConsole.SelfTestModeOemString, EfiAppConsole.DebugExitOemString },
            new AppBootSetup { Arch = machine, App = signed, Vars = File.ReadAllBytes(SnakeoilSigner.VarsPathFor(machine)) });

        BootAssert.True(boot.Serial.Find(new Regex(AccessDenied)) == null, boot.Exit, "the signed app was refused");
        SerialLine? done = boot.Serial.Find(EfiAppConsole.SelfTestDone);
        BootAssert.SentinelAndExitCode(boot.Exit, done, "'SELFTEST DONE passed=N failed=M'", DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
        BootAssert.True(EfiAppConsole.SelfTestDone.Match(done!.Text).Groups["failed"].Value == "0", boot.Exit, "self-test reported failures");
    }

    [RootFact]
    public async Task Recover_SignedAppInterruptedRegion_VarsEqualSnakeoilPayloadAndSecureBootStillEnforced()
    {
        string run = TestEnvironment.NewRunDirectory("secureboot-recover");
        string signed = Signed(run);
        byte[] payload = File.ReadAllBytes(SnakeoilSigner.VarsPath);
        string payloadPath = Path.Combine(run, "payload-snakeoil-vars.fd");
        File.WriteAllBytes(payloadPath, payload);
        string images = Directory.CreateDirectory(Path.Combine(run, "images")).FullName;
        await RecoveryManager.PackAsync(payloadPath, RecoveryManager.Rsa2048TestKey, Path.Combine(images, "snakeoil-vars.cap"));
        string interrupted = Path.Combine(run, "interrupted-snakeoil-vars.fd");
        File.WriteAllBytes(interrupted, InterruptedRecovery.DamageRegion(payload));
        EspImage esp = new EspBuilder().WithBootApplication(signed).WithInProgressMarker().BuildFatImage(Path.Combine(run, "esp.img"));
        string results = Path.Combine(run, "results.jsonl");

        using E2eSegment segment = E2eSegment.Create("sbt");
        using NamespaceProcess manager = await RecoveryManager.ServeAsync(segment.Namespace, E2eRecoveryLab.Serve(images, results, gatherSeconds: null));
        QemuMachine machine = segment.Machine(Path.Combine(run, "1-recover"), esp, E2eRecoveryLab.MachineOemStrings("auto", E2eRecoveryLab.MachineAddress),
            TimeSpan.FromMinutes(12), interrupted);
        (QemuExit exit, SerialLog serial) = await machine.RunToExitAsync();

        BootAssert.NotNull(serial.Find(EfiAppConsole.Banner), exit, "the signed app started under Secure Boot");
        BootAssert.NotNull(serial.Find(new Regex("^RECOVERY REGION verdict=invalid reason=recovery-in-progress ")), exit, "the interrupted region");
        E2eRecoveryLab.AssertRecovered(exit, serial, payload, results, "\nmanager:\n" + manager.Output);

        // The recovered store carries the snakeoil PK/KEK/db: Secure Boot is still enforced.
        await AssertRefusedAsync(Path.Combine(run, "2-after"), EfiAppBinary.Require(), exit.VarsPath);
    }

    /// <summary>
    /// AArch64: the snakeoil-signed BOOTAA64.EFI recovers AAVMF's region (the snakeoil store's first 0xC0000 bytes, its
    /// keys included) from the real manager, and the recovered flash still refuses the unsigned app. No target line: the
    /// region is the app's default on AArch64.
    /// </summary>
    [RootFact]
    public async Task Recover_SignedAppArm64InterruptedRegion_RegionEqualsSnakeoilPayloadAndSecureBootStillEnforced()
    {
        E2ePlatform platform = E2ePlatform.Arm64;
        QemuArch arm = platform.Arch;
        string run = TestEnvironment.NewRunDirectory("secureboot-recover-arm64");
        string signed = Signed(run, arm);
        byte[] flash = File.ReadAllBytes(SnakeoilSigner.VarsPathFor(arm));
        byte[] payload = platform.Region(flash);
        string payloadPath = Path.Combine(run, "payload-snakeoil-aavmf-vars.fd");
        File.WriteAllBytes(payloadPath, payload);
        string images = Directory.CreateDirectory(Path.Combine(run, "images")).FullName;
        await RecoveryManager.PackAsync(payloadPath, RecoveryManager.Rsa2048TestKey, Path.Combine(images, "snakeoil-aavmf-vars.cap"));
        byte[] damaged = platform.Interrupted(flash);
        string interrupted = Path.Combine(run, "interrupted-snakeoil-aavmf-vars.fd");
        File.WriteAllBytes(interrupted, damaged);
        EspImage esp = new EspBuilder().WithBootApplication(signed, arm.EspBootPath).WithInProgressMarker().BuildFatImage(Path.Combine(run, "esp.img"));
        string results = Path.Combine(run, "results.jsonl");

        using E2eSegment segment = E2eSegment.Create("sbta");
        using NamespaceProcess manager = await RecoveryManager.ServeAsync(segment.Namespace, E2eRecoveryLab.Serve(images, results, gatherSeconds: null));
        QemuMachine machine = segment.Machine(Path.Combine(run, "1-recover"), esp, E2eRecoveryLab.MachineOemStrings("auto", E2eRecoveryLab.MachineAddress),
            TimeSpan.FromMinutes(12), interrupted, arch: arm);
        (QemuExit exit, SerialLog serial) = await machine.RunToExitAsync();
        string context = "\nmanager:\n" + manager.Output;

        BootAssert.True(serial.Find(new Regex(AccessDenied)) == null, exit, "the signed app was refused");
        BootAssert.NotNull(serial.Find(new Regex("^RECOVERY REGION verdict=invalid reason=recovery-in-progress ")), exit, "the interrupted region");
        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY RESULT outcome=success reason=0 acked=yes$")), exit, "RESULT acknowledged" + context);
        BootAssert.SentinelAndExitCode(exit, serial.Find(new Regex("^RECOVERY DONE verdict=recovered reason=none$")),
            "'RECOVERY DONE verdict=recovered'", DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
        byte[] after = File.ReadAllBytes(exit.VarsPath);
        BootAssert.True(after.AsSpan(0, platform.RegionLength).SequenceEqual(payload), exit, "the region differs from the snakeoil payload");

        // The recovered region carries the snakeoil PK/KEK/db: Secure Boot is still enforced.
        await AssertRefusedAsync(Path.Combine(run, "2-after"), EfiAppBinary.Require(arm), exit.VarsPath, arm);
    }

    [Theory]
    [InlineData("recover", "^RECOVERY REGION verdict=invalid reason=in-smm message=\"no FVB in DXE carries the configured FV and the firmware has MM Communication: ", "^RECOVERY DONE verdict=failed reason=region-in-smm$")]
    [InlineData("fvbcheck", "^FIRMWARE REGION fs=\\S+ verdict=invalid reason=in-smm message=\"no FVB in DXE carries the configured FV and the firmware has MM Communication: ", "^FIRMWARE FVBCHECK DONE result=fail$")]
    public async Task Boot_SmmSecureBootBuild_SignedAppSaysStoreIsInSmmWritesNothing(string mode, string regionLine, string doneLine)
    {
        // Debian's OVMF_CODE_4M.secboot.fd keeps the variable store's FVB inside SMM: no DXE application can write it.
        // The app must say so plainly (not "not found"), and try nothing.
        string run = TestEnvironment.NewRunDirectory("secureboot-smm-" + mode);
        EspImage esp = new EspBuilder().WithBootApplication(Signed(run)).WithInProgressMarker().BuildFatImage(Path.Combine(run, "esp.img"));
        var machine = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = esp,
            RunDirectory = Path.Combine(run, "1-boot"),
            OemStrings = new[] { "uefirecovery.mode=" + mode, EfiAppConsole.DebugExitOemString },
            Timeout = TimeSpan.FromMinutes(4),
            VarsTemplatePath = SnakeoilSigner.VarsPath,
            FirmwareCodePath = HostTools.RequirePath(HostTool.OvmfSecbootCode),
            Smm = true,
        });

        (QemuExit exit, SerialLog serial) = await machine.RunToExitAsync();

        BootAssert.NotNull(serial.Find(EfiAppConsole.Banner), exit, "the signed app started under the SMM Secure Boot build");
        SerialLine? region = serial.Find(new Regex(regionLine));
        BootAssert.NotNull(region, exit, "the region reported as in SMM");
        BootAssert.SentinelAndExitCode(exit, serial.Find(new Regex(doneLine)), doneLine, DebugExit.ExitCodeFor(EfiAppConsole.ExitFailure));
        BootAssert.True(serial.IndexOf("^RECOVERY PHASE") < 0 && serial.IndexOf("^FIRMWARE SELFTEST") < 0, exit, "a recovery or write step after the region was found out of reach");
        _output.WriteLine(region!.Text);
    }

    private static string Signed(string run) => Signed(run, QemuArch.X64);

    private static string Signed(string run, QemuArch arch)
    {
        string signed = Path.Combine(run, Path.GetFileNameWithoutExtension(arch.BootFileName) + ".signed.EFI");
        SnakeoilSigner.Sign(EfiAppBinary.Require(arch), signed, run);
        return signed;
    }

    private Task AssertRefusedAsync(string run, string app, string vars) => AssertRefusedAsync(run, app, vars, QemuArch.X64);

    private async Task AssertRefusedAsync(string run, string app, string vars, QemuArch arch)
    {
        Directory.CreateDirectory(run);
        EspImage esp = new EspBuilder().WithBootApplication(app, arch.EspBootPath).BuildFatImage(Path.Combine(run, "esp-refused.img"));
        var machine = new QemuMachine(new QemuMachineOptions
        {
            Arch = arch,
            BootDisk = esp,
            RunDirectory = Path.Combine(run, "refused-boot"),
            OemStrings = new[] { "uefirecovery.mode=selftest", EfiAppConsole.DebugExitOemString },
            Timeout = RefusalTimeout,
            VarsTemplatePath = vars,
        });
        await using QemuRun qemu = machine.Start();
        SerialLine? denied = await qemu.Serial.WaitForLineAsync(AccessDenied, RefusalTimeout);
        QemuExit exit = await qemu.KillAsync();
        _output.WriteLine(denied?.Text ?? "(no refusal line)");
        BootAssert.NotNull(denied, exit, "the firmware's Access Denied");
        BootAssert.True(qemu.Serial.Find(EfiAppConsole.Banner) == null, exit, "the app ran although Secure Boot should refuse it");
    }
}
