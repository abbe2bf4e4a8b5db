using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.Demo.ManagerInitiated;
using UefiRecovery.Demo.Recovery;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.Demo.Steps;

/// <summary>
/// Boot 1: Linux from Boot0000; once its agent listens, the real <c>uefirecovery-manager instruct</c> sends it a signed
/// instruction naming this machine (MAC, UUID) and the demo manager; the agent checks it, writes Boot#### for the app,
/// its settings and BootNext, acknowledges and reboots; QEMU stops there (-no-reboot). A tcpdump on the bridge, started
/// here, keeps the scenario's datagrams for the checks, the replay and the summary.
/// </summary>
public sealed class InstructRunningLinuxStep : IDemoStep
{
    private static readonly TimeSpan LineTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan InstructTimeout = TimeSpan.FromSeconds(210);

    public string Title => "Boot Linux; the manager's instruct reaches its agent, which reboots the machine into recovery";

    public async Task<StepResult> RunAsync(DemoContext context)
    {
        ManagerInitiatedState state = context.ManagerInitiated;
        DemoNetwork network = context.Recovery.Network!;
        state.CapturePath = Path.Combine(context.RunDirectory, "wire.pcap");
        // Whole frames (an instruction is 648 bytes): the last step sends the captured instruction again, a replay.
        // Immediate mode: each packet is in the file at once, so the last ones are there when the demo ends.
        state.Capture = await Tcpdump.StartAsync(network.Namespace!, network.Bridge!, state.CapturePath, immediate: true, snapLength: 2048);
        Console.WriteLine($"   tcpdump on {network.Bridge} -> {state.CapturePath}");
        Console.WriteLine($"   OEM strings: {string.Join(" ", GuestMachine.OemStrings(context))}");

        await using QemuRun linux = GuestMachine.Start(context, "1-linux", context.Recovery.PayloadPath!, TimeSpan.FromMinutes(8));
        using (context.Stop.Token.Register(() => _ = linux.KillAsync()))
        {
            SerialLine? listening = await linux.Serial.WaitForLineAsync("^LISTENING udp=", LineTimeout);
            if (listening == null)
            {
                return StepResult.Failed($"the agent did not print LISTENING within {LineTimeout.TotalMinutes:F0} min; serial log {linux.Serial.LogPath}");
            }
            if (linux.Serial.IndexOf("^UEFIRECOVERY-GUEST esp mounted") < 0)
            {
                return StepResult.Failed("the ESP is not mounted in the guest (the agent keeps its counter and pending instruction there)");
            }

            state.Timeline.Mark("instruct started");
            string host = network.ManagerListen.Split(':')[0];
            var arguments = new List<string>
            {
                context.Recovery.ManagerDll!, "instruct", "--agent", GuestMachine.Address(context), "--key", state.InstructionKeyPath!,
                "--mac", QemuMachineOptions.DefaultMacAddress, "--uuid", state.SystemUuid, "--manager", network.ManagerListen,
                "--version", RecoveryDemoState.Version, "--counter-file", Path.Combine(context.RunDirectory, "instruction-key.counter"),
                "--timeout", "90", "--bind", host,
            };
            (string fileName, List<string> wrapped) = network.Wrap("dotnet", arguments);
            using ManagerProcess instruct = ManagerProcess.Start(fileName, wrapped, "   instruct | ");
            Console.WriteLine("   " + instruct.CommandLine);
            if (!await instruct.WaitForExitAsync(InstructTimeout, context.Stop.Token))
            {
                return StepResult.Failed(context.Stop.IsCancellationRequested ? "cancelled (Ctrl+C)" : $"instruct did not end within {InstructTimeout.TotalSeconds:F0} s");
            }
            File.WriteAllText(Path.Combine(context.RunDirectory, "instruct.log"), instruct.CommandLine + "\n" + instruct.Output);
            if (instruct.ExitCode != 0)
            {
                return StepResult.Failed($"instruct exited {instruct.ExitCode} (0 = the agent is rebooting the machine; output above)");
            }
            Match id = Regex.Match(instruct.Output, "instruction id=0x(?<id>[0-9A-F]{16})");
            if (!id.Success)
            {
                return StepResult.Failed("no instruction id in instruct's output");
            }
            state.InstructionId = id.Groups["id"].Value;
            state.Timeline.Mark("agent acknowledged");

            QemuExit exit = await linux.WaitForExitAsync();
            if (exit.TimedOut || exit.KilledByHost)
            {
                return StepResult.Failed("the machine did not reboot after the agent acknowledged: " + exit.Summary);
            }
            state.Timeline.Mark("Linux rebooted");
            state.VarsAfterAgentPath = exit.VarsPath;
            return StepResult.Ok($"instruction id=0x{state.InstructionId} acknowledged (instruct exit 0); the agent set BootNext and rebooted ({exit.Summary})");
        }
    }
}
