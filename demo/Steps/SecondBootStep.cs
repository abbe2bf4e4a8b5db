using System;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.Demo.Recovery;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.Demo.Steps;

/// <summary>Boots the recovered flash and the same ESP (marker now complete), without a network: the app must say FIRMWARE VALID.</summary>
public sealed class SecondBootStep : IDemoStep
{
    private static readonly Regex Valid = new("^FIRMWARE VALID$");

    public string Title => "Boot again from the recovered flash (no network)";

    public async Task<StepResult> RunAsync(DemoContext context)
    {
        RecoveryDemoState state = context.Recovery;
        var machine = new QemuMachine(new QemuMachineOptions
        {
            Arch = context.Platform.Arch,
            BootDisk = new EspImage(state.EspImagePath!),
            RunDirectory = System.IO.Path.Combine(context.RunDirectory, "2-next-boot"),
            Nic = context.Platform.QuietNic,
            OemStrings = RecoverVmStep.MachineOemStrings(state, "auto"),
            Timeout = TimeSpan.FromMinutes(5),
            VarsTemplatePath = state.RecoveryExit!.VarsPath,
        });
        await using QemuRun run = machine.Start(line => Console.WriteLine("   vm | " + line));
        QemuExit exit;
        using (context.Stop.Token.Register(() => _ = run.KillAsync()))
        {
            exit = await run.WaitForExitAsync();
        }
        state.SecondBootExit = exit;
        SerialLine? valid = run.Serial.Find(Valid);
        bool cleanExit = exit.TryGetDebugExitValue(out int value) && value == EfiAppConsole.ExitSuccess;
        string outcome = $"{(valid == null ? "FIRMWARE VALID not seen" : $"FIRMWARE VALID after {valid.Elapsed.TotalSeconds:F1}s")}; QEMU: {exit.Summary}";
        return valid != null && cleanExit ? StepResult.Ok(outcome) : StepResult.Failed(outcome);
    }
}
