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
/// Boot 1: Linux from Boot0000; once its agent listens, <c>uefirecovery-manager instruct --via</c> asks the demo's <c>serve</c>
/// for an instruction to this machine (MAC, UUID): serve signs and sends it and follows it from then on (instruct prints
/// each state); the agent checks it, writes Boot#### for the app,
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
            // serve signs and sends the instruction; instruct --via asked for it and follows it to the end (LinuxBackStep).
            var arguments = new List<string>
            {
                context.Recovery.ManagerDll!, "instruct", "--via", "http://" + ManagerInitiatedState.StatusEndpoint,
                "--agent", GuestMachine.Address(context), "--mac", QemuMachineOptions.DefaultMacAddress, "--uuid", state.SystemUuid,
                "--version", RecoveryDemoState.Version, "--timeout", "900",
            };
            (string fileName, List<string> wrapped) = network.Wrap("dotnet", arguments);
            state.Follower = ManagerProcess.Start(fileName, wrapped, "   instruct | ");
            Console.WriteLine("   " + state.Follower.CommandLine);
            SerialLine? taken = await linux.Serial.WaitForLineAsync("^INSTRUCTION done id=0x[0-9A-F]{16} ", InstructTimeout);
            if (taken == null)
            {
                return StepResult.Failed($"the agent did not take the instruction within {InstructTimeout.TotalSeconds:F0} s (instruct output above)");
            }
            state.InstructionId = Regex.Match(taken.Text, "id=0x(?<id>[0-9A-F]{16})").Groups["id"].Value;
            state.Timeline.Mark("agent acknowledged");

            QemuExit exit = await linux.WaitForExitAsync();
            if (exit.TimedOut || exit.KilledByHost)
            {
                return StepResult.Failed("the machine did not reboot after the agent acknowledged: " + exit.Summary);
            }
            state.Timeline.Mark("Linux rebooted");
            state.VarsAfterAgentPath = exit.VarsPath;
            return StepResult.Ok($"instruction id=0x{state.InstructionId} signed and sent by serve, taken by the agent, which set BootNext and rebooted ({exit.Summary})");
        }
    }
}
