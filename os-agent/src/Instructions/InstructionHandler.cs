using System;
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
/// One datagram in, at most one reboot out (docs/operating.md §8). A rejected datagram is logged with its reason
/// and changes nothing: no variable, no counter, no answer. An accepted instruction makes sure the recovery entry
/// exists, stores the signed instruction and the settings, sets BootNext last (so a failure before it never
/// reboots into recovery half-configured), reports to the instruction's managers, and reboots.
/// </summary>
internal sealed class InstructionHandler
{
    private readonly AgentOptions _options;
    private readonly InstructionVerifier _verifier;
    private readonly IReportSender _sender;
    private readonly IRebooter _rebooter;
    private readonly TextWriter _log;
    private uint _nextMessageId;

    public InstructionHandler(AgentOptions options, InstructionVerifier verifier, IReportSender sender, IRebooter rebooter, TextWriter log)
    {
        _options = options;
        _verifier = verifier;
        _sender = sender;
        _rebooter = rebooter;
        _log = log;
        _nextMessageId = (uint)Random.Shared.Next();
    }

    public HandleOutcome Handle(ReadOnlySpan<byte> datagram, IPEndPoint source)
    {
        MachineIdentity machine = MachineIdentity.Read(_options.DmiRoot, _options.NetRoot);
        InstructionVerdict verdict = _verifier.Verify(datagram, machine);
        if (!verdict.IsAccepted)
        {
            _log.WriteLine("INSTRUCTION rejected from=" + source + " bytes=" + datagram.Length + " reason=" + verdict.Rejection
                + " detail=\"" + verdict.Reason + "\" (nothing changed)");
            return new HandleOutcome(verdict, AgentFailure.None, AgentReportMessage.NoBootEntry, false, false);
        }
        InstructionMessage instruction = verdict.Instruction;
        _log.WriteLine("INSTRUCTION accepted from=" + source + " id=0x" + Hex(instruction.InstructionId) + " counter=" + instruction.Counter
            + " key=" + verdict.Key!.Id + " mac=" + MachineIdentity.FormatMac(instruction.TargetMac)
            + " uuid=" + MachineIdentity.FormatUuid(instruction.TargetUuid) + " firmware=\"" + machine.BiosVersion + "\"");

        AgentFailure failure = Act(datagram, instruction, out ushort entry, out bool created, out string error);
        if (failure != AgentFailure.None)
        {
            _log.WriteLine("INSTRUCTION failed id=0x" + Hex(instruction.InstructionId) + " failure=" + failure + " detail=\"" + error + "\"");
            Report(instruction, machine, AgentState.Failed, failure, entry, source);
            return new HandleOutcome(verdict, failure, entry, created, false);
        }
        _log.WriteLine("INSTRUCTION done id=0x" + Hex(instruction.InstructionId) + " boot-entry=" + BootEntries.VariableName(entry)
            + (created ? " (created)" : " (existing)") + " BootNext=" + entry.ToString("X4", CultureInfo.InvariantCulture) + " rebooting");
        Report(instruction, machine, AgentState.Rebooting, AgentFailure.None, entry, source);
        if (_options.NoReboot)
        {
            _log.WriteLine("INSTRUCTION reboot skipped (--no-reboot)");
            return new HandleOutcome(verdict, AgentFailure.None, entry, created, false);
        }
        if (!_rebooter.TryReboot(out error))
        {
            _log.WriteLine("INSTRUCTION reboot failed detail=\"" + error + "\"");
            Report(instruction, machine, AgentState.Failed, AgentFailure.RebootFailed, entry, source);
            return new HandleOutcome(verdict, AgentFailure.RebootFailed, entry, created, false);
        }
        return new HandleOutcome(verdict, AgentFailure.None, entry, created, true);
    }

    private AgentFailure Act(ReadOnlySpan<byte> datagram, in InstructionMessage instruction, out ushort entry, out bool created, out string error)
    {
        entry = AgentReportMessage.NoBootEntry;
        created = false;
        var store = new EfiVariableStore(_options.EfivarsRoot);
        if (!store.IsPresent)
        {
            error = _options.EfivarsRoot + " does not exist or has no efivarfs mounted on it (booted without UEFI, or mount -t efivarfs efivarfs " + _options.EfivarsRoot + ")";
            return AgentFailure.NoEfivarfs;
        }
        var locator = new EspLocator(_options.BlockRoot, _options.DevRoot);
        if (!locator.TryLocate(_options.EspName, out EspPartition? esp, out error))
        {
            return AgentFailure.NoEspPartition;
        }
        var entries = new BootEntries(store);
        if (!entries.TryEnsure(esp!, _options.LoaderPath, out ushort number, out created, out error))
        {
            return error.StartsWith("every", StringComparison.Ordinal) ? AgentFailure.NoFreeBootNumber : AgentFailure.BootEntryWriteFailed;
        }
        entry = number;
        if (!store.TryWrite(RecoveryConfigVariable.InstructionName, EfiGuid.UefiRecoveryVendor, EfiVariableAttributes.NvBsRt, datagram, out error))
        {
            return AgentFailure.ConfigWriteFailed;
        }
        store.TryRead(RecoveryConfigVariable.Name, EfiGuid.UefiRecoveryVendor, out _, out byte[] existing);
        if (!RecoveryConfigVariable.TryCompose(existing, instruction, out byte[] config, out error)
            || !store.TryWrite(RecoveryConfigVariable.Name, EfiGuid.UefiRecoveryVendor, EfiVariableAttributes.NvBsRt, config, out error))
        {
            return AgentFailure.ConfigWriteFailed;
        }
        // For the report once the OS is back; not fatal: without it the manager's "back in the OS" step times out.
        if (!new PendingInstruction(_options.StateDirectory).TryStore(config, out string pendingError))
        {
            _log.WriteLine("INSTRUCTION pending marker not stored detail=\"" + pendingError + "\"");
        }
        if (!entries.TrySetBootNext(number, out error))
        {
            return AgentFailure.BootNextWriteFailed;
        }
        return AgentFailure.None;
    }

    // To every manager of the instruction, and to the address it came from when that is none of them (the
    // manager's `instruct` waits there). Only a verified instruction is ever answered.
    private void Report(in InstructionMessage instruction, MachineIdentity machine, AgentState state, AgentFailure failure, ushort entry, IPEndPoint source)
    {
        var report = new AgentReportMessage(instruction.InstructionId, instruction.Counter, instruction.TargetMac, state,
            machine.Uuid ?? instruction.TargetUuid, failure, entry);
        byte[] buffer = new byte[MessageHeader.Length + AgentReportMessage.FixedLength + AgentReportMessage.MaxVersionLength];
        WireStatus status = report.TryEmit(buffer, new MessageIds(_nextMessageId++, 0, instruction.TargetMac),
            Encoding.ASCII.GetBytes(machine.BiosVersion), out int written);
        if (status != WireStatus.Ok)
        {
            _log.WriteLine("REPORT not sent: " + status);
            return;
        }
        var destinations = new System.Collections.Generic.List<IPEndPoint>();
        for (int i = 0; i < instruction.Managers.Count; i++)
        {
            DatagramEndpoint manager = instruction.Managers[i];
            destinations.Add(new IPEndPoint(new IPAddress(new[] { (byte)(manager.Address >> 24), (byte)(manager.Address >> 16), (byte)(manager.Address >> 8), (byte)manager.Address }), manager.Port));
        }
        if (!destinations.Contains(source))
        {
            destinations.Add(source);
        }
        foreach (IPEndPoint destination in destinations)
        {
            try
            {
                _sender.Send(buffer.AsSpan(0, written), destination);
                _log.WriteLine("REPORT state=" + state + " failure=" + failure + " to=" + destination);
            }
            catch (System.Net.Sockets.SocketException e)
            {
                _log.WriteLine("REPORT to=" + destination + " failed: " + e.Message);
            }
        }
    }

    private static string Hex(ulong value) => value.ToString("X16", CultureInfo.InvariantCulture);
}
