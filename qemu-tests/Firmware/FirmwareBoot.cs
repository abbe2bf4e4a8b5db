using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.QemuTests.Firmware;

/// <summary>One boot of the real app in fvbcheck mode (or any OEM strings) on a FAT image ESP; keeps the vars file after the run.</summary>
internal static class FirmwareBoot
{
    public const string FvbCheckMode = "uefirecovery.mode=fvbcheck";
    public const string RestoreSelfTest = "uefirecovery.fvbcheck.write=restore-selftest";

    /// <summary>The boot, and the pflash unit 1 contents when QEMU had ended.</summary>
    public sealed record Result(QemuExit Exit, SerialLog Serial, byte[] VarsAfter);

    public static async Task<Result> RunAsync(string label, IReadOnlyList<string> oemStrings)
    {
        // A FAT image: the app writes its recovery marker file to the ESP.
        (QemuExit exit, SerialLog serial) = await AppBoot.RunAsync(label, oemStrings, new AppBootSetup { FatImage = true });
        return new Result(exit, serial, File.ReadAllBytes(exit.VarsPath));
    }
}
