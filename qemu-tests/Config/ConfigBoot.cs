using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Firmware;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.QemuTests.Config;

/// <summary>
/// One boot of the real app (<see cref="AppBoot"/>), no NIC, with settings in any of the three machine-side sources:
/// the EFI variable (appended to a copy of OVMF's pristine vars file with <see cref="VarStoreWriter"/>), the file
/// <c>\EFI\BOOT\uefirecovery.cfg</c> next to the app, and SMBIOS OEM strings.
/// </summary>
internal static class ConfigBoot
{
    /// <summary>The app's variable (efi-app/src/Platform/ConfigVariable.cs, docs/config.md).</summary>
    public const string VariableName = "UefiRecoveryConfig";
    public static readonly Guid VariableVendor = new("1C2F4AFA-2835-41FD-9CBC-7E594C1BC6AB");

    public const string EspFilePath = "EFI/BOOT/uefirecovery.cfg";

    /// <summary>The variable to put into the store before the boot (null: none).</summary>
    public sealed record Variable(byte[] Data, uint Attributes);

    public static Variable TextVariable(string text, uint attributes = VarStoreWriter.NonVolatileBootService) =>
        new(Encoding.ASCII.GetBytes(text), attributes);

    public static Task<AppBootResult> RunAsync(string label, Variable? variable, byte[]? espFile, IReadOnlyList<string> oemStrings,
        IReadOnlyList<(string Path, byte[] Content)>? extraEspFiles = null)
    {
        var files = new List<(string, byte[])>(EspFiles(espFile));
        files.AddRange(extraEspFiles ?? Array.Empty<(string, byte[])>());
        return AppBoot.RunAsync(label, oemStrings, new AppBootSetup
        {
            EspFiles = files,
            Vars = variable == null ? null : VarStoreWriter.Append(PristineVars.Read(), VariableName, VariableVendor, variable.Attributes, variable.Data),
        });
    }

    /// <summary>A boot that also watched the flash (<see cref="FlashWatch"/>): the vars file after it, and the counts.</summary>
    public sealed record WatchedResult(QemuExit Exit, SerialLog Serial, byte[] VarsAfter, FlashWatch.Counts Flash);

    /// <summary>
    /// Like <see cref="RunAsync"/> but on a FAT image ESP (the app's marker file must survive, which vvfat does
    /// not guarantee) with QEMU tracing the NV flash; the ESP file is <c>\EFI\BOOT\uefirecovery.cfg</c> when given.
    /// </summary>
    public static async Task<WatchedResult> RunWatchingFlashAsync(string label, byte[]? espFile, IReadOnlyList<string> oemStrings)
    {
        string runDirectory = TestEnvironment.NewRunDirectory(label);
        string trace = Path.Combine(runDirectory, "pflash-trace.log");
        QemuMachine machine = AppBoot.Machine(runDirectory, oemStrings, new AppBootSetup
        {
            EspFiles = EspFiles(espFile),
            FatImage = true,
            QemuArguments = FlashWatch.QemuArguments(trace),
        });
        (QemuExit exit, SerialLog serial) = await machine.RunToExitAsync();
        return new WatchedResult(exit, serial, File.ReadAllBytes(exit.VarsPath), FlashWatch.Read(trace, (EspImage)machine.Options.BootDisk));
    }

    public static byte[] Text(string text) => Encoding.ASCII.GetBytes(text.Replace("\r\n", "\n").Replace("\n", "\r\n"));

    private static (string, byte[])[] EspFiles(byte[]? espFile) =>
        espFile == null ? Array.Empty<(string, byte[])>() : new[] { (EspFilePath, espFile) };
}
