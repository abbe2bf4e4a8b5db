using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.QemuTests.Firmware;

/// <summary>One boot of the real app in fvbcheck mode (or any OEM strings), with an optional starting vars file; keeps the vars file after the run.</summary>
internal static class FirmwareBoot
{
    public const string FvbCheckMode = "uefirecovery.mode=fvbcheck";
    public const string RestoreSelfTest = "uefirecovery.fvbcheck.write=restore-selftest";

    /// <summary>The boot, and the pflash unit 1 contents when QEMU had ended.</summary>
    public sealed record Result(QemuExit Exit, SerialLog Serial, byte[] VarsAfter);

    public static async Task<Result> RunAsync(string label, IReadOnlyList<string> oemStrings, string? varsTemplate = null)
    {
        string runDirectory = TestEnvironment.NewRunDirectory(label);
        // A FAT image, not a vvfat folder: the app writes its recovery marker file there, and vvfat
        // (fat:rw:DIR) did not keep guest-written files intact (docs/firmware-regions.md).
        EspImage esp = new EspBuilder()
            .WithBootApplication(EfiAppBinary.Require())
            .BuildFatImage(Path.Combine(runDirectory, "esp.img"));
        var machine = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = esp,
            RunDirectory = runDirectory,
            OemStrings = oemStrings,
            Timeout = AppBoot.DefaultTimeout,
            VarsTemplatePath = varsTemplate,
        });
        await using QemuRun run = machine.Start();
        QemuExit exit = await run.WaitForExitAsync();
        return new Result(exit, run.Serial, File.ReadAllBytes(exit.VarsPath));
    }

    /// <summary>Debian's pristine vars file (the default template), read for comparisons.</summary>
    public static byte[] PristineVars() => File.ReadAllBytes("/usr/share/OVMF/OVMF_VARS_4M.fd");

    /// <summary>4 KiB blocks in which two vars images differ, as "0,1,2".</summary>
    public static string DifferingBlocks(byte[] a, byte[] b)
    {
        var blocks = new List<int>();
        for (int block = 0; block * 4096 < Math.Min(a.Length, b.Length); block++)
        {
            if (!a.AsSpan(block * 4096, 4096).SequenceEqual(b.AsSpan(block * 4096, 4096)))
            {
                blocks.Add(block);
            }
        }
        return string.Join(",", blocks);
    }
}
