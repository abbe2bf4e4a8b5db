using System;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Demo.ManagerInitiated;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.Demo.Steps;

/// <summary>
/// Boot 2: OVMF follows BootNext to the app, which checks the instruction the agent left (instruction key, UUID, counter,
/// then the MAC), recovers the VALID region because of it, sends READINESS to the manager the instruction names, records
/// what it installed on the ESP, reports the RESULT and resets (QEMU stops). Each of those is a console line checked here.
/// </summary>
public sealed class InstructedRecoveryStep : IDemoStep
{
    private static readonly TimeSpan BannerTimeout = TimeSpan.FromMinutes(4);

    public string Title => "Boot through BootNext: the app checks the instruction, sends READINESS, recovers, resets";

    public async Task<StepResult> RunAsync(DemoContext context)
    {
        ManagerInitiatedState state = context.ManagerInitiated;
        string id = state.InstructionId!;
        await using QemuRun app = GuestMachine.Start(context, "2-app", state.VarsAfterAgentPath!, context.Options.RecoveryTimeout);
        QemuExit exit;
        using (context.Stop.Token.Register(() => _ = app.KillAsync()))
        {
            if (await app.Serial.WaitForLineAsync(EfiAppConsole.Banner, BannerTimeout) == null)
            {
                QemuExit stopped = await app.KillAsync();
                return StepResult.Failed($"the app did not start through BootNext (waited up to {BannerTimeout.TotalMinutes:F0} min; {stopped.Summary}); serial log {app.Serial.LogPath}");
            }
            state.Timeline.Mark("app started");
            exit = await app.WaitForExitAsync();
        }
        state.Timeline.Mark("app reset");
        context.Recovery.RecoveryExit = exit;
        context.Recovery.RecoverySerial = app.Serial.Lines;
        state.AppSerial = app.Serial.Lines;

        (string Pattern, string What)[] expected =
        {
            ("^RECOVERY INSTRUCTION id=0x" + id + @" counter=\d+ last=\d+ verdict=Valid ", "the agent's instruction checked: instruction key, UUID, counter"),
            ("^RECOVERY BEGIN mode=recover$", "the instruction forces a recovery"),
            ("^RECOVERY REGION verdict=valid ", "of a region that is valid"),
            ("^RECOVERY INSTRUCTION taken id=0x" + id + " ", "taken (MAC matched): READINESS goes to its managers"),
            ("^RECOVERY PHASE discovering manager=" + Regex.Escape(context.Recovery.Network!.ManagerListen) + " ", "the instruction's manager asked"),
            ("^RECOVERY WRITE ", "the region written"),
            (@"^RECOVERY INSTALLED record=.* written=yes$", "what it installed recorded on the ESP (for the agent)"),
            ("^RECOVERY RESULT outcome=success reason=0 acked=yes$", "RESULT acknowledged by the manager"),
            ("^RECOVERY DONE verdict=recovered reason=none$", "recovered"),
        };
        bool all = true;
        foreach ((string pattern, string what) in expected)
        {
            SerialLine? line = app.Serial.Find(new Regex(pattern));
            all &= line != null;
            Console.WriteLine($"   {(line == null ? "MISSING" : "seen   ")} {what}: {line?.Text ?? pattern}");
        }
        bool reset = !exit.TimedOut && !exit.KilledByHost;
        Console.WriteLine($"   {(reset ? "seen   " : "MISSING")} the app reset the machine: {exit.Summary}");
        // No console line names READINESS (it goes with the first REQUESTs): the bridge capture is the witness.
        int readiness = WireCount.Of(state.CapturePath!, MessageType.Readiness, GuestMachine.Address(context));
        Console.WriteLine($"   {(readiness > 0 ? "seen   " : "MISSING")} READINESS on the bridge (tcpdump): {readiness} datagram(s) from the machine");
        return all && reset && readiness > 0
            ? StepResult.Ok($"instruction 0x{id} taken, region recovered, machine reset; serial log {exit.SerialLogPath}")
            : StepResult.Failed($"the instructed recovery is incomplete (MISSING above); serial log {exit.SerialLogPath}");
    }
}
