using System;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.Demo.Recovery;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.Demo.Steps;

/// <summary>
/// arm64 only: Debian's AAVMF_VARS.fd is all zeros until AAVMF formats it, so a first boot (the app prints its banner
/// and exits) makes the machine's flash; its region (the first 0xC0000 bytes) is the payload the capsule will carry.
/// The boot has the devices of every later boot (the ESP image, a virtio NIC), because AAVMF keeps its boot options.
/// </summary>
public sealed class FormatFlashStep : IDemoStep
{
    private static readonly Regex Banner = new("^UefiRecovery ");

    public string Title => "Boot AAVMF once so it formats the machine's variable flash";

    public async Task<StepResult> RunAsync(DemoContext context)
    {
        DemoPlatform platform = context.Platform;
        EspImage esp = new EspBuilder().WithBootApplication(context.EfiAppPath!, platform.Arch.EspBootPath)
            .BuildFatImage(Path.Combine(context.RunDirectory, "esp-format.img"));
        var machine = new QemuMachine(new QemuMachineOptions
        {
            Arch = platform.Arch,
            BootDisk = esp,
            RunDirectory = Path.Combine(context.RunDirectory, "0-format"),
            Nic = platform.QuietNic,
            OemStrings = new[] { EfiAppConsole.DebugExitOemString },
            Timeout = TimeSpan.FromMinutes(5),
        });
        QemuExit exit;
        await using (QemuRun run = machine.Start(line => Console.WriteLine("   vm | " + line)))
        {
            using (context.Stop.Token.Register(() => _ = run.KillAsync()))
            {
                exit = await run.WaitForExitAsync();
            }
            if (run.Serial.Find(Banner) == null || !exit.TryGetDebugExitValue(out int value) || value != EfiAppConsole.ExitSuccess)
            {
                return StepResult.Failed($"the formatting boot did not reach the app; QEMU: {exit.Summary}; serial log {exit.SerialLogPath}");
            }
        }
        byte[] flash = File.ReadAllBytes(exit.VarsPath);
        string template = Path.Combine(context.RunDirectory, "formatted-vars.fd");
        File.WriteAllBytes(template, flash);
        string payload = Path.Combine(context.RunDirectory, "payload-aavmf-vars.fd");
        File.WriteAllBytes(payload, flash.AsSpan(0, platform.RegionLength).ToArray());
        context.Recovery.FlashTemplatePath = template;
        context.Recovery.PayloadPath = payload;
        return StepResult.Ok($"flash {template} ({flash.Length / (1024 * 1024)} MiB) formatted by AAVMF; the region, its first 0x{platform.RegionLength:X} bytes, is the payload {payload}");
    }
}
