using System;
using System.Collections.Generic;

using UefiRecovery.Manager.Cli;

namespace UefiRecovery.Manager.Serving.Status;

/// <summary>
/// Everything the operator sees, as one immutable snapshot: the terminal view renders it and
/// GET /status returns it as JSON. The engine publishes a fresh one a few times a second.
/// </summary>
public sealed record ServerStatus(
    DateTimeOffset Time,
    DateTimeOffset StartedAt,
    string Listen,
    string Delivery,
    string DataDestination,
    double RateMbitPerSecond,
    IReadOnlyList<ImageStatus> Images,
    IReadOnlyList<RejectedImageStatus> RejectedImages,
    IReadOnlyList<SessionStatus> Sessions,
    TrafficStatus Traffic,
    long ResultsRecorded,
    string MemberSecret = "",
    string? OfferSigningKeySha256 = null,
    long ForgedResultsDropped = 0,
    IReadOnlyList<Instructions.InstructionStatus>? Instructions = null,
    IReadOnlyList<Inventory.MachineStatus>? Machines = null,
    ServeTotals? Totals = null);

/// <summary>
/// Counts since this manager started, which only grow (GET /metrics counters): sessions started, repair rounds of all
/// sessions (also those no longer listed), and result-log records by outcome (success, failure, left, timeout).
/// </summary>
public sealed record ServeTotals(long SessionsStarted, long RepairRounds, IReadOnlyDictionary<string, long> ResultsByOutcome);

/// <summary>A catalog image; <see cref="Sha256"/> is the whole capsule file's SHA-256 (also as <see cref="CapsuleSha256"/>, named).</summary>
public sealed record ImageStatus(string Name, string ImageTypeId, uint Version, uint LowestSupportedVersion, long Size, string Sha256)
{
    public string VersionHex => CliFormat.Version(Version);
    public string LowestSupportedVersionHex => CliFormat.Version(LowestSupportedVersion);
    public string CapsuleSha256 => Sha256;
}

public sealed record RejectedImageStatus(string Name, string Reason);

public sealed record SessionStatus(
    uint SessionId,
    string Image,
    long ImageSize,
    int FragmentSize,
    int FragmentCount,
    string State,
    int Pass,
    int RepairRounds,
    int PendingRepairFragments,
    long DataDatagramsSent,
    long DataBytesSent,
    double ThroughputMBytesPerSecond,
    double ElapsedSeconds,
    IReadOnlyList<ClientStatus> Clients,
    long ManifestDatagramsSent = 0,
    long ManifestBytesSent = 0,
    int ManifestGroupShift = 0,
    double FirstPassSentFraction = 0,
    double RateNowMBytesPerSecond = 0,
    double? PassEtaSeconds = null,
    long ParityDatagramsSent = 0,
    long ParityBytesSent = 0)
{
    /// <summary>The session id as the log prints it (8 hex digits).</summary>
    public string SessionIdHex => CliFormat.SessionId(SessionId);
}

/// <summary>
/// A member as the manager knows it. <see cref="HeldKnown"/> is false until the machine answered its first status
/// round: until then <see cref="Progress"/> and <see cref="FragmentsHeld"/> say nothing (a machine reports what it
/// holds only when asked; the session's <see cref="SessionStatus.FirstPassSentFraction"/> is what is known).
/// <see cref="Phase"/>: first-pass, repairing, writing (said COMPLETE: verifying and writing its flash, RESULT to come),
/// done, failed, timed-out, left; <see cref="PhaseSeconds"/> since that phase began where the manager knows it.
/// </summary>
public sealed record ClientStatus(
    string Address,
    string ClientId,
    string State,
    double Progress,
    int MissingFragments,
    double SecondsSinceHeard,
    string? Result,
    string Member = "",
    IReadOnlyList<string>? SameMacAt = null,
    bool HeldKnown = false,
    long FragmentsHeld = 0,
    string Phase = "",
    double PhaseSeconds = 0,
    MemberPhases? Phases = null);

public sealed record TrafficStatus(
    long DatagramsReceived,
    long DatagramsRejected,
    long DatagramsSent,
    long BytesSent,
    long SendFailures,
    IReadOnlyDictionary<string, long> RejectReasons);
