using System;
using System.Threading.Tasks;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Demo.ManagerInitiated;
using UefiRecovery.Demo.Recovery;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.Demo.Steps;

/// <summary>
/// Boot 3: from the recovered flash, BootOrder boots Linux again (BootNext was used up); the agent finds its pending
/// instruction, removes its settings and reports RUNNING to the manager with the version the app recorded installing.
/// Then the instruction captured on the bridge is sent to it again, byte for byte: a replay, which the agent refuses
/// (its counter, kept on the ESP, is not above the one it took).
/// </summary>
public sealed class LinuxBackStep : IDemoStep
{
    private static readonly TimeSpan LineTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan WireTimeout = TimeSpan.FromSeconds(60);

    public string Title => "Boot from the recovered flash: Linux again, the agent reports the recovered version, refuses a replay";

    public async Task<StepResult> RunAsync(DemoContext context)
    {
        ManagerInitiatedState state = context.ManagerInitiated;
        string machine = GuestMachine.Address(context);
        int reportsBefore = WireCount.Of(state.CapturePath!, MessageType.AgentReport, machine);
        await using QemuRun linux = GuestMachine.Start(context, "3-linux", context.Recovery.RecoveryExit!.VarsPath, TimeSpan.FromMinutes(8));
        using (context.Stop.Token.Register(() => _ = linux.KillAsync()))
        {
            SerialLine? startup = await linux.Serial.WaitForLineAsync("^STARTUP back after instruction id=0x" + state.InstructionId + " ", LineTimeout);
            if (startup == null)
            {
                return StepResult.Failed($"the agent did not report the machine back within {LineTimeout.TotalMinutes:F0} min; serial log {linux.Serial.LogPath}");
            }
            state.Timeline.Mark("Linux back, agent reported");
            state.StartupLine = startup.Text;
            string recovered = "recovered=" + RecoveryDemoState.Version;
            if (!startup.Text.Contains(recovered, StringComparison.Ordinal))
            {
                return StepResult.Failed($"the agent's report lacks {recovered}: {startup.Text}");
            }
            SerialLine? report = await linux.Serial.WaitForLineAsync("^REPORT state=Running to=", LineTimeout);
            state.RunningReportLine = report?.Text;
            if (report == null)
            {
                return StepResult.Failed("no REPORT state=Running line from the agent");
            }
            // The line is printed once the datagram is handed to the guest's stack (ARP may still be pending): the
            // capture shows it left the machine.
            if (!await WireCount.WaitForMoreAsync(state.CapturePath!, MessageType.AgentReport, machine, reportsBefore, WireTimeout))
            {
                return StepResult.Failed($"the RUNNING report did not reach the bridge within {WireTimeout.TotalSeconds:F0} s (capture {state.CapturePath})");
            }
            if (await linux.Serial.WaitForLineAsync("^LISTENING udp=", LineTimeout) == null)
            {
                return StepResult.Failed("the agent did not listen again after its report");
            }

            byte[]? instruction = WireCount.First(state.CapturePath!, MessageType.RecoveryInstruction);
            if (instruction == null)
            {
                return StepResult.Failed($"no whole RECOVERY_INSTRUCTION in the capture {state.CapturePath} to replay");
            }
            Console.WriteLine($"   replay: the captured instruction ({instruction.Length} bytes, id=0x{state.InstructionId}) sent again to {machine}:{GuestMachine.AgentPort}");
            string? failure = await UdpDatagramSender.SendAsync(context.Recovery.Network!.Namespace!, context.RunDirectory, "replayed-instruction",
                instruction, machine, GuestMachine.AgentPort);
            if (failure != null)
            {
                return StepResult.Failed(failure);
            }
            SerialLine? refused = await linux.Serial.WaitForLineAsync("^INSTRUCTION rejected .*reason=Replayed ", LineTimeout);
            state.ReplayLine = refused?.Text;
            state.BackInLinuxExit = await linux.KillAsync();
            if (refused == null)
            {
                return StepResult.Failed("the agent did not refuse the replayed instruction as Replayed");
            }
            // serve followed the instruction to its end: instruct --via ends with state=done (exit 0).
            ManagerProcess follower = state.Follower!;
            if (!await follower.WaitForExitAsync(LineTimeout, context.Stop.Token) || follower.ExitCode != 0 || !follower.Output.Contains("state=done", StringComparison.Ordinal))
            {
                return StepResult.Failed("serve did not close the instruction as done (instruct --via output above)");
            }
            return StepResult.Ok($"Linux back through BootOrder; {report.Text} ({recovered}), seen on the bridge; serve closed the instruction as done; the replay refused; machine stopped");
        }
    }
}
