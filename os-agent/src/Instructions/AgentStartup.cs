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
/// the app recorded it installed for this instruction (docs/protocol.md §4.13).
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
        var report = new AgentReportMessage(id, counter, mac, AgentState.Running, machine.Uuid.Value, AgentFailure.None, AgentReportMessage.NoBootEntry);
        byte[] buffer = new byte[MessageHeader.Length + AgentReportMessage.FixedLength + AgentReportMessage.MaxVersionLength];
        if (report.TryEmit(buffer, new MessageIds((uint)Random.Shared.Next(), 0, mac), Encoding.ASCII.GetBytes(firmware), out int written) != WireStatus.Ok)
        {
            return;
        }
        foreach (string manager in managers)
        {
            if (IPEndPoint.TryParse(manager, out IPEndPoint? endpoint) && endpoint.Port != 0)
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
    }

    /// <summary>
    /// "BIOS-VERSION recovered=0x%08X" when the app's record names this instruction, else the BIOS version alone;
    /// printable ASCII, at most the report's 64 bytes (the BIOS version is shortened first).
    /// </summary>
    internal static string FirmwareVersion(string biosVersion, string espMount, ulong instructionId)
    {
        string suffix = InstalledRecord.TryRead(espMount, out InstalledRecord record) && record.InstructionId == instructionId
            ? " recovered=0x" + record.Version.ToString("X8", CultureInfo.InvariantCulture)
            : "";
        int room = AgentReportMessage.MaxVersionLength - suffix.Length;
        string bios = biosVersion.Length > room ? biosVersion.Substring(0, room) : biosVersion;
        return bios + suffix;
    }
}
