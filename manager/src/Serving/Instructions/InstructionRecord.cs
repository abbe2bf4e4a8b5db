using System;

namespace UefiRecovery.Manager.Serving.Instructions;

/// <summary>
/// The result log's line for an instruction that ended (docs/operating.md §3, §8.8), told apart from RESULT lines by
/// <see cref="Kind"/> = "instruction". The phases split the time from sending to the OS's return: the agent's
/// answer; the reboot, the firmware and the app until READINESS; the recovery until RESULT; the reset and the OS
/// until the agent's running report. A phase not reached is absent.
/// </summary>
public sealed record InstructionRecord(
    DateTimeOffset Time,
    string InstructionIdHex,
    ulong Counter,
    string Mac,
    string Uuid,
    string Agent,
    string Outcome,
    string? FailedIn,
    string? Failure,
    string? FirmwareBefore,
    string? FirmwareVersion,
    string? ResultVersionHex,
    double? AgentSeconds,
    double? RebootSeconds,
    double? RecoverySeconds,
    double? BackSeconds,
    double TotalSeconds)
{
    public string Kind => "instruction";

    public static InstructionRecord Of(Instruction i, DateTimeOffset time)
    {
        TimeSpan sent = i.EnteredAt(InstructionState.Sent)!.Value;
        TimeSpan? ack = i.EnteredAt(InstructionState.Acknowledged);
        TimeSpan? ready = i.EnteredAt(InstructionState.Ready);
        TimeSpan? written = i.EnteredAt(InstructionState.Written);
        TimeSpan? done = i.EnteredAt(InstructionState.Done);
        double? Between(TimeSpan? from, TimeSpan? to) => from is { } a && to is { } b ? Math.Round((b - a).TotalSeconds, 3) : null;
        InstructionStatus status = InstructionStatus.Of(i, t => time + (t - i.StateSince));
        return new InstructionRecord(time, status.InstructionIdHex, i.Counter, status.Mac, status.Uuid, status.Agent,
            InstructionStatus.Name(i.State), status.FailedIn, i.Failure, i.FirmwareBefore, i.FirmwareAfter, status.ResultVersionHex,
            Between(sent, ack),
            // A lost AGENT_REPORT: the reboot phase then starts at sending.
            Between(ack ?? sent, ready),
            Between(ready, written),
            Between(written, done),
            Math.Round((i.StateSince - sent).TotalSeconds, 3));
    }
}
