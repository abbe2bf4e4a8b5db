using System;
using System.Collections.Generic;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Manager.Serving.Instructions;
using UefiRecovery.Manager.Serving.Inventory;

namespace UefiRecovery.Manager.Serving.Sessions;

/// <summary>
/// Manager-initiated recovery on the donor's socket (docs/protocol.md §4.11–4.13, docs/operating.md §8.8): the
/// instructions the HTTP API added are sent from here (so the agent's report comes back to this port), and
/// AGENT_REPORT and READINESS, unauthenticated claims, only move their own instruction forward in the
/// <see cref="InstructionBook"/>; anything else they say is counted in the reject reasons and otherwise ignored.
/// Engine thread only.
/// </summary>
public sealed partial class DonorEngine
{
    private readonly List<InstructionChange> _instructionChanges = new();

    private void OnAgentReport(in MessageFrame frame, IPEndPoint sender, TimeSpan now)
    {
        WireStatus status = AgentReportMessage.TryParse(frame, out AgentReportMessage report, out ReadOnlySpan<byte> firmware);
        if (status != WireStatus.Ok) { Reject("AGENT_REPORT:" + status); return; }
        // Printable ASCII, at most 64 bytes: the codec checked it.
        string version = Encoding.ASCII.GetString(firmware);
        if (report.InstructionId == 0 && report.State == AgentState.Running)
        {
            // The agent's start-up inventory report (§4.13): a claim for the display and ifOlderThan, nothing else.
            _inventory.OnAgentReport(report.MacAddress, report.SystemUuid, version, now);
            return;
        }
        string? ignored = _instructions.OnAgentReport(report, version, now);
        if (ignored is null && report.State == AgentState.Running) _inventory.OnAgentReport(report.MacAddress, report.SystemUuid, version, now);
        if (ignored is not null)
        {
            Reject("AGENT_REPORT:" + ignored);
            if (LogFrom(sender)) _logger.LogInformation("AGENT_REPORT from {Sender} for instruction {Id} state {State} ignored: {Why}",
                sender, Cli.CliFormat.InstructionId(report.InstructionId), report.State, ignored);
        }
    }

    private void OnReadiness(in MessageFrame frame, IPEndPoint sender, TimeSpan now)
    {
        WireStatus status = ReadinessMessage.TryParse(frame, out ReadinessMessage readiness);
        if (status != WireStatus.Ok) { Reject("READINESS:" + status); return; }
        string? ignored = _instructions.OnReadiness(readiness, now);
        if (ignored is not null)
        {
            Reject("READINESS:" + ignored);
            if (LogFrom(sender)) _logger.LogInformation("READINESS from {Sender} ({Mac}) for instruction {Id} ignored: {Why}",
                sender, SessionClient.FormatId(readiness.MacAddress), Cli.CliFormat.InstructionId(readiness.InstructionId), ignored);
        }
    }

    /// <summary>Sends what is due, times out what is late, and logs and records every change since the last call.</summary>
    private void TickInstructions(TimeSpan now)
    {
        _instructions.Tick(now, instruction =>
        {
            _output.Send(instruction.Datagram, instruction.Agent);
            CountSent(instruction.Datagram.Length);
        });
        _instructionChanges.Clear();
        _instructions.TakeChanges(_instructionChanges);
        foreach (InstructionChange change in _instructionChanges)
        {
            Instruction i = change.Instruction;
            string id = Cli.CliFormat.InstructionId(i.Id);
            if (change.Before is not { } before)
            {
                _logger.LogInformation("instruction {Id}: sending to agent {Agent} for {Mac} (counter {Counter})", id, i.Agent, SessionClient.FormatId(i.Mac), i.Counter);
                continue;
            }
            string from = InstructionStatus.Name(before), to = InstructionStatus.Name(i.State);
            if (i.State == InstructionState.Failed)
                _logger.LogWarning("instruction {Id} {Mac}: {From} -> failed: {Failure}", id, SessionClient.FormatId(i.Mac), from, i.Failure);
            else
                _logger.LogInformation("instruction {Id} {Mac}: {From} -> {To}{Firmware}", id, SessionClient.FormatId(i.Mac), from, to,
                    i.State == InstructionState.Done ? " (firmware \"" + i.FirmwareAfter + "\")" : "");
            if (i.IsEnded) _results.Append(InstructionRecord.Of(i, WallTime(now)));
        }
    }
}
