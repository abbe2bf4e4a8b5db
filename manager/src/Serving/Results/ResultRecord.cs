using System;
using System.Collections.Generic;
using UefiRecovery.Manager.Cli;

namespace UefiRecovery.Manager.Serving.Results;

/// <summary>
/// One line of the result log: what a client reported at the end of its recovery (or that it went silent).
/// <see cref="Member"/> names the membership (a digest of its token, docs/operating.md §3); <see cref="Authenticated"/>
/// is true when the record's content came from the machine in a message carrying its member token (RESULT,
/// ABORT), false when the manager wrote it itself (timeout). Both are absent in lines written before version 2.
/// <see cref="SessionKnown"/> is false for a RESULT of a session this manager run does not know (it restarted, or the
/// token came from an OFFER nobody accepted): such records rest on the token alone and are rate-limited.
/// <see cref="SameMacAt"/> lists other addresses this MAC proved a membership from during this run; absent when none.
/// </summary>
public sealed record ResultRecord(
    DateTimeOffset Time,
    string Client,
    string ClientId,
    uint SessionId,
    string Image,
    string Outcome,
    uint Code,
    string Detail,
    long FragmentsReceived,
    int RepairRounds,
    string? Member = null,
    bool? Authenticated = null,
    bool? SessionKnown = null,
    IReadOnlyList<string>? SameMacAt = null)
{
    /// <summary>The session id as the log and /status print it (8 hex digits); <see cref="SessionId"/> stays a number for old readers.</summary>
    public string SessionIdHex => CliFormat.SessionId(SessionId);
}
