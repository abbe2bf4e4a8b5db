using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.QemuTests.Infrastructure;

/// <summary>One finished boot of the real EFI app: its exit and its console lines.</summary>
public sealed record AppBootResult(QemuExit Exit, SerialLog Serial);

/// <summary>What an app boot may change; every default is the plain boot (a vvfat ESP with the app only, Debian's pristine vars, no NIC).</summary>
public sealed record AppBootSetup
{
    /// <summary>x64 (BOOTX64.EFI in OVMF) unless set; arm64 boots BOOTAA64.EFI in AAVMF.</summary>
    public QemuArch Arch { get; init; } = QemuArch.X64;

    /// <summary>The boot application; null: efi-app's build for <see cref="Arch"/> (e.g. a signed copy instead).</summary>
    public string? App { get; init; }

    /// <summary>Files on the ESP besides <c>\EFI\BOOT\BOOTX64.EFI</c> (or BOOTAA64.EFI) (path with '/', content).</summary>
    public IReadOnlyList<(string Path, byte[] Content)> EspFiles { get; init; } = Array.Empty<(string, byte[])>();

    /// <summary>
    /// The ESP as a FAT image instead of a vvfat folder: for boots in which the app writes there (its recovery marker),
    /// since vvfat (fat:rw:DIR) did not keep guest-written files intact (docs/firmware-regions.md).
    /// </summary>
    public bool FatImage { get; init; }

    /// <summary>Starting contents of the NV flash (pflash unit 1); null: Debian's pristine vars file.</summary>
    public byte[]? Vars { get; init; }

    /// <summary>QEMU arguments after the standard ones (e.g. a flash trace, another SMBIOS entry point).</summary>
    public IReadOnlyList<string> QemuArguments { get; init; } = Array.Empty<string>();

    public TimeSpan Timeout { get; init; } = AppBoot.DefaultTimeout;
}

/// <summary>Boots the real BOOTX64.EFI from a fresh ESP, with no NIC, until QEMU ends or the timeout.</summary>
public static class AppBoot
{
    /// <summary>Generous: OVMF under TCG on a loaded 2-core host can take over 30 s to reach the app.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(4);

    public static Task<AppBootResult> RunAsync(string label, IReadOnlyList<string> oemStrings, AppBootSetup? setup = null) =>
        Machine(TestEnvironment.NewRunDirectory(label), oemStrings, setup ?? new AppBootSetup()).RunToExitAsync();

    /// <summary>The machine of <see cref="RunAsync"/> in <paramref name="runDirectory"/>, not started (its ESP and vars template are written).</summary>
    public static QemuMachine Machine(string runDirectory, IReadOnlyList<string> oemStrings, AppBootSetup setup)
    {
        Directory.CreateDirectory(runDirectory);
        var builder = new EspBuilder().WithBootApplication(setup.App ?? EfiAppBinary.Require(setup.Arch), setup.Arch.EspBootPath);
        foreach ((string path, byte[] content) in setup.EspFiles)
        {
            builder.WithFile(path, content);
        }
        IBootDisk esp = setup.FatImage
            ? builder.BuildFatImage(Path.Combine(runDirectory, "esp.img"))
            : builder.BuildFolder(Path.Combine(runDirectory, "esp"));
        string? varsTemplate = null;
        if (setup.Vars != null)
        {
            varsTemplate = Path.Combine(runDirectory, "vars-template.fd");
            File.WriteAllBytes(varsTemplate, setup.Vars);
        }
        return new QemuMachine(new QemuMachineOptions
        {
            Arch = setup.Arch,
            BootDisk = esp,
            RunDirectory = runDirectory,
            OemStrings = oemStrings,
            Timeout = setup.Timeout,
            VarsTemplatePath = varsTemplate,
            ExtraArguments = setup.QemuArguments,
        });
    }

    /// <summary>Starts the machine and waits until QEMU has ended (by itself, or killed at the machine's timeout).</summary>
    public static async Task<AppBootResult> RunToExitAsync(this QemuMachine machine)
    {
        await using QemuRun run = machine.Start();
        QemuExit exit = await run.WaitForExitAsync();
        return new AppBootResult(exit, run.Serial);
    }
}
