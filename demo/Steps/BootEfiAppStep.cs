using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.Demo.Steps;

/// <summary>Boots the app from an ESP folder in QEMU (headless, no network), streams its console, reports the exit.</summary>
public sealed class BootEfiAppStep : IDemoStep
{
    public string Title => "Boot the EFI application in QEMU (OVMF or AAVMF, TCG, no network)";

    public async Task<StepResult> RunAsync(DemoContext context)
    {
        EspFolder esp = new EspBuilder()
            .WithBootApplication(context.EfiAppPath ?? throw new InvalidOperationException("no EFI app located"), context.Platform.Arch.EspBootPath)
            .BuildFolder(Path.Combine(context.RunDirectory, "esp"));
        var oemStrings = new List<string> { EfiAppConsole.DebugExitOemString };
        oemStrings.AddRange(context.Options.OemStrings);
        var machine = new QemuMachine(new QemuMachineOptions
        {
            Arch = context.Platform.Arch,
            BootDisk = esp,
            RunDirectory = context.RunDirectory,
            OemStrings = oemStrings,
            Timeout = context.Options.Timeout,
        });

        Console.WriteLine($"   OEM strings: {string.Join(" ", oemStrings)}; timeout {context.Options.Timeout.TotalSeconds:F0}s; Ctrl+C stops QEMU");
        await using QemuRun run = machine.Start(line => Console.WriteLine($"   | {line}"));
        ConsoleCancelEventHandler stop = (_, e) =>
        {
            e.Cancel = true;
            _ = run.KillAsync();
        };
        Console.CancelKeyPress += stop;
        QemuExit exit;
        try
        {
            exit = await run.WaitForExitAsync();
        }
        finally
        {
            Console.CancelKeyPress -= stop;
        }

        SerialLine? banner = run.Serial.Find(EfiAppConsole.Banner);
        string bannerText = banner == null ? "banner NOT seen" : $"banner after {banner.Elapsed.TotalSeconds:F1}s";
        string where = $"serial log {exit.SerialLogPath}, flash {exit.VarsPath}";
        if (exit.TryGetDebugExitValue(out int value))
        {
            string outcome = $"app exited: {EfiAppConsole.DescribeExitValue(value)} ({exit.Summary}); {bannerText}; {where}";
            return value == EfiAppConsole.ExitSuccess && banner != null ? StepResult.Ok(outcome) : StepResult.Failed(outcome);
        }
        return StepResult.Failed($"{exit.Summary}; {bannerText}; {where}");
    }
}
