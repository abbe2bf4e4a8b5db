using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.Demo.Recovery;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.Demo.Steps;

/// <summary>Boots the corrupted VM headless (mode auto), streams its console, and waits for RECOVERY DONE and QEMU's exit.</summary>
public sealed class RecoverVmStep : IDemoStep
{
    private static readonly Regex Done = new("^RECOVERY DONE ");
    private static readonly Regex Recovered = new("^RECOVERY DONE verdict=recovered reason=none$");

    public string Title => "Boot the corrupted VM and let it recover over the network";

    public async Task<StepResult> RunAsync(DemoContext context)
    {
        RecoveryDemoState state = context.Recovery;
        DemoNetwork network = state.Network!;
        var machine = new QemuMachine(new QemuMachineOptions
        {
            Arch = context.Platform.Arch,
            BootDisk = new EspImage(state.EspImagePath!),
            RunDirectory = System.IO.Path.Combine(context.RunDirectory, "1-recover"),
            Nic = network.Nic,
            NetworkNamespace = network.NamespaceName,
            ExtraArguments = network.ExtraQemuArguments,
            OemStrings = MachineOemStrings(state, "auto"),
            Timeout = context.Options.RecoveryTimeout,
            VarsTemplatePath = state.DamagedVarsPath,
        });
        Console.WriteLine($"   OEM strings: {string.Join(" ", MachineOemStrings(state, "auto"))}");
        Console.WriteLine($"   timeout {context.Options.RecoveryTimeout.TotalMinutes:F0} min; Ctrl+C stops QEMU and removes the network");
        QemuExit exit;
        await using (QemuRun run = machine.Start(line => Console.WriteLine("   vm | " + line)))
        {
            using (context.Stop.Token.Register(() => _ = run.KillAsync()))
            {
                exit = await run.WaitForExitAsync();
            }
            state.RecoveryExit = exit;
            state.RecoverySerial = run.Serial.Lines;
            SerialLine? done = run.Serial.Find(Done);
            bool recovered = done != null && Recovered.IsMatch(done.Text);
            bool cleanExit = exit.TryGetDebugExitValue(out int value) && value == EfiAppConsole.ExitSuccess;
            string outcome = $"{(done == null ? "no RECOVERY DONE line" : done.Text)}; QEMU: {exit.Summary}; serial log {exit.SerialLogPath}";
            return recovered && cleanExit ? StepResult.Ok(outcome) : StepResult.Failed(outcome);
        }
    }

    /// <summary>
    /// The VM's settings (SMBIOS type 11), as in recover-README: static address, manager, trusted key, image
    /// type, floor, and what the network needs besides (user-mode networking: discovery=manager).
    /// </summary>
    internal static List<string> MachineOemStrings(RecoveryDemoState state, string mode)
    {
        var strings = new List<string>
        {
            "uefirecovery.mode=" + mode,
            EfiAppConsole.DebugExitOemString,
            "uefirecovery.ip=" + state.Network!.VmAddress,
            "uefirecovery.manager=" + state.Network.ManagerForVm,
            "uefirecovery.trust.rsa2048=" + state.TrustedKeyHash,
            "uefirecovery.image-type=" + RecoveryDemoState.ImageType,
            "uefirecovery.lsv=" + RecoveryDemoState.LowestSupportedVersion,
        };
        strings.AddRange(state.Network.ExtraOemStrings);
        return strings;
    }
}
