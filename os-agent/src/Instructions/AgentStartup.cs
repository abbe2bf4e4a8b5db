using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Text;
using UefiRecovery.Agent.Efi;
using UefiRecovery.Agent.Machine;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Agent.Instructions;

/// <summary>
/// What the agent does once at start: when it acted on an instruction before the last reboot (its
/// <see cref="PendingInstruction"/> marker, or the lines it wrote into <c>UefiRecoveryConfig</c>), the machine went
/// through recovery and its OS is back. The instruction is used up: the agent removes its lines from the variable
/// (the OS's own stay; an empty variable is deleted), <c>UefiRecoveryInstruction</c> and the marker, and sends
/// AGENT_REPORT(running) to the instruction's managers with the firmware version now: SMBIOS's BIOS version, and what
/// the app recorded it installed for this instruction (docs/protocol.md §4.13). Without such an instruction it sends
/// an inventory report instead to the managers of <c>--manager</c>: AGENT_REPORT(running) with instruction id 0.
/// </summary>
internal static class AgentStartup
{
    public static void Run(AgentOptions options, IReportSender sender, TextWriter log)
    {
        var store = new EfiVariableStore(options.EfivarsRoot);
        var pending = new PendingInstruction(options.StateDirectory);
        byte[] config = Array.Empty<byte>();
        bool inVariable = store.IsPresent && store.TryRead(RecoveryConfigVariable.Name, EfiGuid.UefiRecoveryVendor, out _, out config)
            && RecoveryConfigVariable.TryReadAgentLines(config, out _, out _, out _, out _);
        if (!pending.TryRead(out byte[] lines) || !RecoveryConfigVariable.TryReadAgentLines(lines, out _, out _, out _, out _))
        {
            lines = config;
        }
        if (!RecoveryConfigVariable.TryReadAgentLines(lines, out ulong id, out ulong counter, out ulong mac, out List<string> managers))
        {
            ReportInventory(options, sender, log);
            return;
        }
        string error = "";
        bool cleaned = true;
        if (inVariable)
        {
            byte[] rest = RecoveryConfigVariable.WithoutAgentLines(config);
            cleaned = rest.Length == 0
                ? store.TryDelete(RecoveryConfigVariable.Name, EfiGuid.UefiRecoveryVendor, out error)
                : store.TryWrite(RecoveryConfigVariable.Name, EfiGuid.UefiRecoveryVendor, EfiVariableAttributes.NvBsRt, rest, out error);
        }
        if (store.IsPresent && store.Exists(RecoveryConfigVariable.InstructionName, EfiGuid.UefiRecoveryVendor))
        {
            cleaned &= store.TryDelete(RecoveryConfigVariable.InstructionName, EfiGuid.UefiRecoveryVendor, out string deleteError);
            error += " " + deleteError;
        }
        pending.Remove();
        MachineIdentity machine = MachineIdentity.Read(options.DmiRoot, options.NetRoot);
        string firmware = FirmwareVersion(machine.BiosVersion, options.EspMount, id);
        log.WriteLine("STARTUP back after instruction id=0x" + id.ToString("X16", CultureInfo.InvariantCulture) + " firmware=\"" + firmware + "\""
            + (cleaned ? " settings removed" : " settings NOT removed: " + error.Trim()));
        if (mac == 0 || (mac >> 48) != 0 || machine.Uuid == null)
        {
            log.WriteLine("STARTUP no report: " + (mac == 0 ? "no MAC in the agent's marker line" : "system UUID unreadable: " + machine.Problem));
            return;
        }
        var endpoints = new List<IPEndPoint>();
        foreach (string manager in managers)
        {
            if (IPEndPoint.TryParse(manager, out IPEndPoint? endpoint) && endpoint.Port != 0)
            {
                endpoints.Add(endpoint);
            }
        }
        SendRunning(new AgentReportMessage(id, counter, mac, AgentState.Running, machine.Uuid.Value, AgentFailure.None, AgentReportMessage.NoBootEntry),
            firmware, endpoints, sender, log);
    }

    /// <summary>
    /// The inventory report: who this machine is and which firmware runs, to every <c>--manager</c>, instruction id and
    /// counter 0 (docs/protocol.md §4.13). The version text names what the app last installed, whatever instruction.
    /// </summary>
    private static void ReportInventory(AgentOptions options, IReportSender sender, TextWriter log)
    {
        if (options.Managers.Count == 0)
        {
            return;
        }
        MachineIdentity machine = MachineIdentity.Read(options.DmiRoot, options.NetRoot);
        if (!machine.TryReportingMac(out ulong mac, out string nic) || machine.Uuid == null)
        {
            log.WriteLine("INVENTORY no report: " + (machine.Uuid == null ? "system UUID unreadable: " + machine.Problem : "no NIC with a unicast MAC under " + options.NetRoot));
            return;
        }
        string firmware = FirmwareVersion(machine.BiosVersion, options.EspMount, AnyInstruction);
        log.WriteLine("INVENTORY mac=" + MachineIdentity.FormatMac(mac) + " (" + nic + ") uuid=" + MachineIdentity.FormatUuid(machine.Uuid.Value)
            + " firmware=\"" + firmware + "\"");
        SendRunning(new AgentReportMessage(0, 0, mac, AgentState.Running, machine.Uuid.Value, AgentFailure.None, AgentReportMessage.NoBootEntry),
            firmware, options.Managers, sender, log);
    }

    // One AGENT_REPORT(running) to each endpoint; a send error is logged, not retried (a lost report is not repeated, §4.13).
    private static void SendRunning(in AgentReportMessage report, string firmware, List<IPEndPoint> endpoints, IReportSender sender, TextWriter log)
    {
        byte[] buffer = new byte[MessageHeader.Length + AgentReportMessage.FixedLength + AgentReportMessage.MaxVersionLength];
        if (report.TryEmit(buffer, new MessageIds((uint)Random.Shared.Next(), 0, report.MacAddress), Encoding.ASCII.GetBytes(firmware), out int written) != WireStatus.Ok)
        {
            return;
        }
        foreach (IPEndPoint endpoint in endpoints)
        {
            try
            {
                sender.Send(buffer.AsSpan(0, written), endpoint);
                log.WriteLine("REPORT state=Running to=" + endpoint);
            }
            catch (System.Net.Sockets.SocketException e)
            {
                log.WriteLine("REPORT to=" + endpoint + " failed: " + e.Message);
            }
        }
    }

    /// <summary>For <see cref="FirmwareVersion"/>: take the ESP record whatever instruction it names.</summary>
    internal const ulong AnyInstruction = 0;

    /// <summary>
    /// "BIOS-VERSION recovered=0x%08X" when the app's record names this instruction (any, for <see cref="AnyInstruction"/>),
    /// else the BIOS version alone;
    /// printable ASCII, at most the report's 64 bytes (the BIOS version is shortened first).
    /// </summary>
    internal static string FirmwareVersion(string biosVersion, string espMount, ulong instructionId)
    {
        string suffix = InstalledRecord.TryRead(espMount, out InstalledRecord record) && (instructionId == AnyInstruction || record.InstructionId == instructionId)
            ? " recovered=0x" + record.Version.ToString("X8", CultureInfo.InvariantCulture)
            : "";
        int room = AgentReportMessage.MaxVersionLength - suffix.Length;
        string bios = biosVersion.Length > room ? biosVersion.Substring(0, room) : biosVersion;
        return bios + suffix;
    }
}
