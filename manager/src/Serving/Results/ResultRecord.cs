using System;

namespace UefiRecovery.Manager.Serving.Results;

/// <summary>
/// One line of the result log: what a client reported at the end of its recovery (or that it went silent).
/// <see cref="Member"/> names the membership (a digest of its token, docs/operating.md §3); <see cref="Authenticated"/>
/// is true when the record's content came from the machine in a message carrying its member token (RESULT,
/// ABORT), false when the manager wrote it itself (timeout). Both are absent in lines written before version 2.
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
    bool? Authenticated = null);
