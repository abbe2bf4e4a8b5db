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
/// What the agent does once at start: when <c>UefiRecoveryConfig</c> still carries the lines it wrote for an
/// instruction, the machine went through the reboot and its OS is back. The instruction is used up: the agent
/// removes its lines (the OS's own stay; an empty variable is deleted) and <c>UefiRecoveryInstruction</c>, and
/// sends AGENT_REPORT(running) with the firmware version now to the instruction's managers (docs/protocol.md §4.13).
/// </summary>
internal static class AgentStartup
{
    public static void Run(AgentOptions options, IReportSender sender, TextWriter log)
    {
        var store = new EfiVariableStore(options.EfivarsRoot);
        if (!store.IsPresent || !store.TryRead(RecoveryConfigVariable.Name, EfiGuid.UefiRecoveryVendor, out _, out byte[] config)
            || !RecoveryConfigVariable.TryReadAgentLines(config, out ulong id, out ulong counter, out ulong mac, out List<string> managers))
        {
            return;
        }
        byte[] rest = RecoveryConfigVariable.WithoutAgentLines(config);
        string error;
        bool cleaned = rest.Length == 0
            ? store.TryDelete(RecoveryConfigVariable.Name, EfiGuid.UefiRecoveryVendor, out error)
            : store.TryWrite(RecoveryConfigVariable.Name, EfiGuid.UefiRecoveryVendor, EfiVariableAttributes.NvBsRt, rest, out error);
        cleaned &= store.TryDelete(RecoveryConfigVariable.InstructionName, EfiGuid.UefiRecoveryVendor, out string deleteError);
        MachineIdentity machine = MachineIdentity.Read(options.DmiRoot, options.NetRoot);
        log.WriteLine("STARTUP back after instruction id=0x" + id.ToString("X16", CultureInfo.InvariantCulture) + " firmware=\"" + machine.BiosVersion + "\""
            + (cleaned ? " settings removed" : " settings NOT removed: " + error + " " + deleteError));
        if (mac == 0 || (mac >> 48) != 0 || machine.Uuid == null)
        {
            log.WriteLine("STARTUP no report: " + (mac == 0 ? "no MAC in the agent's marker line" : "system UUID unreadable: " + machine.Problem));
            return;
        }
        var report = new AgentReportMessage(id, counter, mac, AgentState.Running, machine.Uuid.Value, AgentFailure.None, AgentReportMessage.NoBootEntry);
        byte[] buffer = new byte[MessageHeader.Length + AgentReportMessage.FixedLength + AgentReportMessage.MaxVersionLength];
        if (report.TryEmit(buffer, new MessageIds((uint)Random.Shared.Next(), 0, mac), Encoding.ASCII.GetBytes(machine.BiosVersion), out int written) != WireStatus.Ok)
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
}
