using System;
using System.Collections.Generic;
using System.Globalization;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Demo.Recovery;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.Demo.ManagerInitiated;

/// <summary>The closing summary of the manager-initiated scenario: keys, machine, instruction, per-phase times, the wire, host checks.</summary>
public static class ManagerInitiatedSummary
{
    public static void Print(DemoContext context, bool succeeded)
    {
        ManagerInitiatedState state = context.ManagerInitiated;
        RecoveryDemoState recovery = context.Recovery;
        Console.WriteLine();
        Console.WriteLine("== Summary (manager-initiated recovery)");
        Console.WriteLine("   network:        " + (recovery.Network?.Description ?? "not set up"));
        Console.WriteLine("   keys:           firmware " + (recovery.TrustedKeyHash == null ? "none" : "trust.rsa2048=" + recovery.TrustedKeyHash)
            + "; instruction " + (state.InstructionTrustSetting ?? "none") + " (both fresh RSA-2048)");
        Console.WriteLine($"   machine:        UUID {state.SystemUuid}, MAC {QemuMachineOptions.DefaultMacAddress}, Linux {state.Guest?.KernelRelease ?? "not built"}, agent {state.AgentPath ?? "not published"}");
        Console.WriteLine("   instruction:    " + (state.InstructionId == null ? "not sent or not acknowledged" : "id=0x" + state.InstructionId + " (instruct exit 0)"));
        IReadOnlyList<(string From, string To, double Seconds)> phases = state.Timeline.Phases;
        for (int i = 0; i < phases.Count; i++)
        {
            Console.WriteLine((i == 0 ? "   phases:         " : "                   ")
                + string.Create(CultureInfo.InvariantCulture, $"{phases[i].From} -> {phases[i].To}: {phases[i].Seconds:F1} s"));
        }
        if (phases.Count > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"                   total: {state.Timeline.TotalSeconds:F1} s (TCG: {phases[0].From} -> {phases[^1].To})"));
        }
        Console.WriteLine("   app:            " + Line(state.AppSerial, "^RECOVERY WRITE "));
        Console.WriteLine("                   " + Line(state.AppSerial, "^RECOVERY DONE "));
        Console.WriteLine("   on the wire:    " + Wire(state));
        Console.WriteLine("   host checks:    flash " + (recovery.RegionVerified ? "== payload" : "NOT verified") + ", manager result log "
            + (recovery.ResultLogged ? "success for " + QemuMachineOptions.DefaultMacAddress : "NO success"));
        Console.WriteLine("   back in Linux:  " + (state.StartupLine ?? "not seen"));
        Console.WriteLine("                   " + (state.RunningReportLine ?? "no RUNNING report"));
        Console.WriteLine("   replay:         " + (state.ReplayLine ?? "not refused (or not sent)"));
        Console.WriteLine("   logs:           " + context.RunDirectory
            + " (1-linux/, 2-app/, 3-linux/ serial.log, instruct.log, manager.log, results.jsonl, wire.pcap)");
        Console.WriteLine(succeeded
            ? "== MANAGER-INITIATED RECOVERY shown and verified."
            : "== Manager-initiated recovery NOT completed (see the FAILED step above).");
    }

    private static string Line(IReadOnlyList<SerialLine> lines, string pattern) =>
        RecoverySummary.Find(lines, pattern)?.Text ?? "no " + pattern.TrimStart('^').Trim() + " line";

    private static string Wire(ManagerInitiatedState state)
    {
        if (state.CapturePath == null)
        {
            return "no capture";
        }
        if (!WireCount.TryCount(state.CapturePath, out Dictionary<(MessageType Type, string Source), int> counts, out string error))
        {
            return "capture unreadable: " + error;
        }
        var parts = new List<string>();
        foreach (MessageType type in WireCount.Shown)
        {
            foreach (KeyValuePair<(MessageType Type, string Source), int> count in counts)
            {
                if (count.Key.Type == type)
                {
                    parts.Add($"{type} x{count.Value} from {count.Key.Source}");
                }
            }
        }
        return parts.Count == 0 ? "none of the scenario's datagrams captured" : string.Join(", ", parts);
    }
}
