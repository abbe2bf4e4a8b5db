using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Qemu;
using Xunit;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// <c>uefirecovery.next</c> (docs/config.md): with a valid region in auto mode the app starts the configured
/// loader from its own volume with LoadImage/StartImage (efi-app/src/Recovery/NextLoader.cs). The loader here
/// is a real EFI application built from NextStage/next-stage.S that prints a line nothing else prints, so
/// its line on the console is the proof that it ran. A loader that is missing or not an EFI image gives a
/// message naming the step and status, and the machine goes on through the firmware's boot manager.
/// No network: a valid region never needs one.
/// </summary>
public sealed class NextStageHandOverTests
{
    private static readonly string PathPattern = Regex.Escape(NextStageImage.ConfigPath);
    private static readonly Regex Handing = new($@"^RECOVERY HANDOVER next={PathPattern}$");
    private static readonly Regex BootManager = new("^RECOVERY HANDOVER boot-manager$");

    [RootFact]
    public async Task AutoMode_ValidRegionNextLoaderOnEsp_NextStageRunsAndReturnsSuccess()
    {
        string runDirectory = TestEnvironment.NewRunDirectory("e2e-next");
        byte[] nextStage = NextStageImage.Build(runDirectory);
        QemuMachine machine = AppBoot.Machine(Path.Combine(runDirectory, "1-next"), OemStrings(debugExit: true), new AppBootSetup
        {
            EspFiles = new[] { (NextStageImage.EspPath, nextStage) },
            FatImage = true,
            Timeout = TimeSpan.FromMinutes(5),
        });
        (QemuExit exit, SerialLog serial) = await machine.RunToExitAsync();

        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY REGION verdict=valid reason=valid message=""[^""]+"" marker=absent$")), exit, "the valid verdict");
        SerialLine? handing = serial.Find(Handing);
        SerialLine? ran = serial.Find(new Regex("^" + Regex.Escape(NextStageImage.Banner) + "$"));
        SerialLine? returned = serial.Find(new Regex($@"^RECOVERY HANDOVER next={PathPattern} returned status=0x0$"));
        BootAssert.NotNull(handing, exit, "the hand-over line naming the loader");
        BootAssert.NotNull(ran, exit, "the next stage's own line (it ran)");
        BootAssert.NotNull(returned, exit, "the app seeing the next stage return EFI_SUCCESS");
        BootAssert.True(handing!.Number < ran!.Number && ran.Number < returned!.Number, exit, "hand-over, next stage, return: not in this order");
        BootAssert.True(serial.Find(BootManager) == null, exit, "a fallback to the boot manager although the loader ran");
        BootAssert.True(serial.IndexOf("^(RECOVERY (PHASE|NIC|STATIC|LEASE|OFFER|WAITING|WRITE)|FIRMWARE MARKER)") < 0, exit,
            "a network or write step although the region is valid");
        BootAssert.SentinelAndExitCode(exit, returned, "the return from the next stage", DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
    }

    /// <summary>
    /// No loader at the configured path, and no debug exit: the app says which step failed and why, returns
    /// to the firmware, and the firmware's boot manager goes on with its next option (UiApp in Debian's OVMF).
    /// </summary>
    [RootFact]
    public async Task AutoMode_NextLoaderMissing_NotFoundMessageThenFirmwareBootManagerGoesOn()
    {
        string runDirectory = TestEnvironment.NewRunDirectory("e2e-next-missing");
        QemuMachine machine = AppBoot.Machine(Path.Combine(runDirectory, "1-missing"), OemStrings(debugExit: false), new AppBootSetup
        {
            FatImage = true,
            Timeout = TimeSpan.FromMinutes(6),
        });
        await using QemuRun run = machine.Start();
        SerialLine? fallback = await run.Serial.WaitForLineAsync(BootManager, TimeSpan.FromMinutes(5));
        SerialLine? next = fallback == null ? null
            : await run.Serial.WaitForLineAsync(new Regex(@"^BdsDxe: (loading|starting) Boot[0-9A-F]{4} .*UiApp"), TimeSpan.FromMinutes(2));
        QemuExit exit = await run.KillAsync();

        SerialLine? failed = run.Serial.Find(new Regex($@"^RECOVERY HANDOVER next={PathPattern} failed step=load status=0x800000000000000E \(not-found\)$"));
        BootAssert.NotNull(run.Serial.Find(Handing), exit, "the hand-over line naming the loader");
        BootAssert.NotNull(failed, exit, "the load failure with its status and name");
        BootAssert.NotNull(fallback, exit, "the fallback to the boot manager");
        BootAssert.NotNull(next, exit, "the firmware's boot manager going on (UiApp) after the app returned");
        BootAssert.True(failed!.Number < fallback!.Number && fallback.Number < next!.Number, exit, "failure, fallback, boot manager: not in this order");
    }

    /// <summary>
    /// A file at the path that is not an EFI image (text): LoadImage refuses it with EFI_UNSUPPORTED (UEFI 2.10
    /// §7.4: "the image type is not supported"; EDK2's loader when the PE/COFF header does not parse); the app falls back.
    /// </summary>
    [RootFact]
    public async Task AutoMode_NextLoaderNotAnEfiImage_LoadRefusedMessageThenBootManager()
    {
        string runDirectory = TestEnvironment.NewRunDirectory("e2e-next-bad");
        QemuMachine machine = AppBoot.Machine(Path.Combine(runDirectory, "1-bad"), OemStrings(debugExit: true), new AppBootSetup
        {
            EspFiles = new[] { (NextStageImage.EspPath, Encoding.ASCII.GetBytes("this is not a PE/COFF image\r\n")) },
            FatImage = true,
            Timeout = TimeSpan.FromMinutes(5),
        });
        (QemuExit exit, SerialLog serial) = await machine.RunToExitAsync();

        SerialLine? failed = serial.Find(new Regex($@"^RECOVERY HANDOVER next={PathPattern} failed step=load status=0x8000000000000003 \(unsupported: not an EFI image this firmware can run\)$"));
        SerialLine? fallback = serial.Find(BootManager);
        BootAssert.NotNull(failed, exit, "the load failure with its status and name");
        BootAssert.NotNull(fallback, exit, "the fallback to the boot manager");
        BootAssert.True(failed!.Number < fallback!.Number, exit, "fallback before the failure line");
        BootAssert.SentinelAndExitCode(exit, fallback, "the fallback to the boot manager", DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
    }

    private static List<string> OemStrings(bool debugExit)
    {
        var strings = new List<string>(E2eRecoveryLab.MachineOemStrings("auto", E2eRecoveryLab.MachineAddress))
        {
            "uefirecovery.next=" + NextStageImage.ConfigPath,
        };
        if (!debugExit)
        {
            strings.Remove(EfiAppConsole.DebugExitOemString);
        }
        return strings;
    }
}
