using System;

namespace UefiRecovery.Manager.Serving.Results;

/// <summary>One line of the result log: what a client reported at the end of its recovery (or that it went silent).</summary>
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
    int RepairRounds);
