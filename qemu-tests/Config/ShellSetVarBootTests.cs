using System;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Qemu;
using Xunit;

namespace UefiRecovery.QemuTests.Config;

/// <summary>
/// The operator's path of docs/config.md, in OVMF's built-in UEFI Shell: <c>setvar</c> sets the variable
/// (NV+BS, ASCII lines), then the app is started from a directory that is not \EFI\BOOT, so the ESP file
/// is looked for next to it (LoadedImage.FilePath). Nothing is bootable at the default path, so OVMF
/// falls back to the shell, which runs \startup.nsh.
/// </summary>
public sealed class ShellSetVarBootTests
{
    [Fact]
    public async Task ShellSetVar_AppInOtherDirectory_VariableAndNeighbourFileRead()
    {
        string runDirectory = TestEnvironment.NewRunDirectory("config-shell-setvar");
        string script =
            "setvar UefiRecoveryConfig -guid 1C2F4AFA-2835-41FD-9CBC-7E594C1BC6AB -nv -bs =Suefirecovery.mode=fvbcheck =0A =Suefirecovery.netdiag.timeout=5 =0A\n" +
            "fs0:\n" +
            "\\tools\\recovery.efi\n";
        EspFolder esp = new EspBuilder()
            .WithTextFile("startup.nsh", script)
            .WithFile("tools/recovery.efi", File.ReadAllBytes(EfiAppBinary.Require()))
            .WithTextFile("tools/uefirecovery.cfg", "uefirecovery.mode=netdiag\nuefirecovery.debugexit=1\n")
            .BuildFolder(Path.Combine(runDirectory, "esp"));
        var machine = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = esp,
            RunDirectory = runDirectory,
            OemStrings = new[] { EfiAppConsole.DebugExitOemString },
            Timeout = AppBoot.DefaultTimeout,
        });
        QemuExit exit;
        SerialLog serial;
        await using (QemuRun run = machine.Start())
        {
            exit = await run.WaitForExitAsync();
            serial = run.Serial;
        }

        BootAssert.NotNull(serial.Find(new Regex(@"^CONFIG source=efi-variable name=UefiRecoveryConfig status=read bytes=58 attributes=0x00000003$")), exit,
            "the variable setvar wrote (58 bytes: 26 + 30 characters, two LF; NV+BS)");
        BootAssert.NotNull(serial.Find(new Regex(@"^CONFIG mode=fvbcheck source=efi-variable$")), exit, "mode from the variable");
        BootAssert.NotNull(serial.Find(new Regex(@"^CONFIG netdiag\.timeout=5 source=efi-variable$")), exit, "second line of the variable");
        BootAssert.NotNull(serial.Find(new Regex(@"^CONFIG source=esp-file path=\\tools\\uefirecovery\.cfg status=read bytes=\d+$")), exit,
            "the file next to the app, not \\EFI\\BOOT");
        BootAssert.NotNull(serial.Find(new Regex(@"^CONFIG overridden mode=netdiag source=esp-file by=efi-variable$")), exit, "file's mode overridden");
        BootAssert.NotNull(serial.Find(new Regex(@"^CONFIG rejected source=esp-file line=2 entry=""uefirecovery\.debugexit=1"" reason=""protected key: not taken from a source the OS can write""$")),
            exit, "the file's debugexit refused (protected); SMBIOS's ends the run");
        BootAssert.SentinelAndExitCode(exit, serial.Find(new Regex(@"^FIRMWARE FVBCHECK DONE result=ok$")), "'FIRMWARE FVBCHECK DONE result=ok'",
            DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
    }
}
