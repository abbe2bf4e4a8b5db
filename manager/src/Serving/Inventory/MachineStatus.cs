using System;
using UefiRecovery.Manager.Cli;
using UefiRecovery.Manager.Instructing;
using UefiRecovery.Manager.Serving.Sessions;

namespace UefiRecovery.Manager.Serving.Inventory;

/// <summary>
/// One machine as /status (<c>machines[]</c>) and the live view show it. <see cref="FmpVersionHex"/> is the version
/// <c>ifOlderThan</c> compares: the RESULT's when one was recorded this run (token-proven), else the agent's claim;
/// <see cref="FmpVersionSource"/> says which ("result", "agent-report") and is null when unknown.
/// </summary>
public sealed record MachineStatus(
    string Mac,
    string? Uuid,
    string? VersionText,
    string? ReportedVersionHex,
    string? ResultVersionHex,
    string? FmpVersionHex,
    string? FmpVersionSource,
    DateTimeOffset LastSeen)
{
    /// <summary>The FMP version compared, or null when unknown.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public uint? FmpVersion { get; init; }

    internal static MachineStatus Of(KnownMachine m, Func<TimeSpan, DateTimeOffset> wall)
    {
        uint? version = m.ResultVersion ?? m.ReportedVersion;
        string? source = m.ResultVersion is not null ? "result" : m.ReportedVersion is not null ? "agent-report" : null;
        return new MachineStatus(SessionClient.FormatId(m.Mac), m.Uuid is { } uuid ? InstructionText.FormatUuid(uuid) : null, m.VersionText,
            Hex(m.ReportedVersion), Hex(m.ResultVersion), Hex(version), source, wall(m.LastSeen)) { FmpVersion = version };
    }

    private static string? Hex(uint? version) => version is { } v ? CliFormat.Version(v) : null;
}
