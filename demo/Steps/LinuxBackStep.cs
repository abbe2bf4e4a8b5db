using System;
using System.Threading.Tasks;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Demo.ManagerInitiated;
using UefiRecovery.Demo.Recovery;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.Demo.Steps;

/// <summary>
/// Boot 3: from the recovered flash, BootOrder boots Linux again (BootNext was used up); the agent finds its pending
/// instruction, removes its settings and reports RUNNING to the manager with the version the app recorded installing.
/// </summary>
public sealed class LinuxBackStep : IDemoStep
{
    private static readonly TimeSpan LineTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan WireTimeout = TimeSpan.FromSeconds(60);

    public string Title => "Boot from the recovered flash: Linux again, the agent reports the recovered version";

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
            SerialLine? report = await linux.Serial.WaitForLineAsync("^REPORT state=Running to=", LineTimeout);
            state.RunningReportLine = report?.Text;
            // The line is printed once the datagram is handed to the guest's stack (ARP may still be pending): keep the
            // machine running until the capture shows the report left it.
            bool reportOnWire = report != null
                && await WireCount.WaitForMoreAsync(state.CapturePath!, MessageType.AgentReport, machine, reportsBefore, WireTimeout);
            state.BackInLinuxExit = await linux.KillAsync();
            string recovered = "recovered=" + RecoveryDemoState.Version;
            if (!startup.Text.Contains(recovered, StringComparison.Ordinal))
            {
                return StepResult.Failed($"the agent's report lacks {recovered}: {startup.Text}");
            }
            if (report == null)
            {
                return StepResult.Failed("no REPORT state=Running line from the agent");
            }
            if (!reportOnWire)
            {
                return StepResult.Failed($"the RUNNING report did not reach the bridge within {WireTimeout.TotalSeconds:F0} s (capture {state.CapturePath})");
            }
            return StepResult.Ok($"Linux back through BootOrder; {report.Text} ({recovered}), AGENT_REPORT seen on the bridge; machine stopped");
        }
    }
}
