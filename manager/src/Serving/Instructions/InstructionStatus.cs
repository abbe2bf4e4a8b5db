using System;
using System.Globalization;
using UefiRecovery.Manager.Cli;
using UefiRecovery.Manager.Instructing;
using UefiRecovery.Manager.Serving.Sessions;

namespace UefiRecovery.Manager.Serving.Instructions;

/// <summary>
/// One instruction as /status (`instructions[]`), GET /instructions/ID and the live view show it
/// (docs/operating.md §8.8). Times are UTC; a step's time is absent until it was reached.
/// </summary>
public sealed record InstructionStatus(
    string InstructionIdHex,
    ulong Counter,
    string Mac,
    string Uuid,
    string Agent,
    string State,
    DateTimeOffset Since,
    DateTimeOffset SentAt,
    DateTimeOffset? AcknowledgedAt,
    DateTimeOffset? ReadyAt,
    DateTimeOffset? ReceivingAt,
    DateTimeOffset? WrittenAt,
    DateTimeOffset? DoneAt,
    DateTimeOffset? FailedAt,
    string? FailedIn,
    string? Failure,
    DateTimeOffset? Deadline,
    int Sends,
    string? BootEntry,
    string? FirmwareBefore,
    string? FirmwareVersion,
    string? ReadyVersionHex,
    string? ResultVersionHex,
    string? IfOlderThanHex = null,
    string? VersionCheck = null)
{
    /// <summary>True once done or failed.</summary>
    public bool Ended => State is "done" or "failed";

    public static string Name(InstructionState state) => state.ToString().ToLowerInvariant();

    public static InstructionStatus Of(Instruction i, Func<TimeSpan, DateTimeOffset> wall)
    {
        DateTimeOffset? At(InstructionState state) => i.EnteredAt(state) is { } t ? wall(t) : null;
        return new InstructionStatus(
            CliFormat.InstructionId(i.Id), i.Counter, SessionClient.FormatId(i.Mac), InstructionText.FormatUuid(i.Uuid), i.Agent.ToString(),
            Name(i.State), wall(i.StateSince), wall(i.EnteredAt(InstructionState.Sent)!.Value),
            At(InstructionState.Acknowledged), At(InstructionState.Ready), At(InstructionState.Receiving), At(InstructionState.Written),
            At(InstructionState.Done), At(InstructionState.Failed),
            i.FailedIn is { } failedIn ? Name(failedIn) : null, i.Failure,
            i.Deadline is { } deadline ? wall(deadline) : null, i.Sends,
            i.BootEntry is { } entry ? "Boot" + entry.ToString("X4", CultureInfo.InvariantCulture) : null,
            i.FirmwareBefore, i.FirmwareAfter,
            i.ReadyVersion is { } ready ? CliFormat.Version(ready) : null,
            i.ResultVersion is { } result ? CliFormat.Version(result) : null,
            i.IfOlderThan is { } floor ? CliFormat.Version(floor) : null, i.VersionCheck);
    }
}
