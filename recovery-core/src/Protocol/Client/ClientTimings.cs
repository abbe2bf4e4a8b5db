namespace UefiRecovery.Core.Protocol.Client;

/// <summary>Every timer and retry limit of the client (docs/protocol.md §6.2), in one configurable value.</summary>
public sealed class ClientTimings
{
    /// <summary>T_req: first REQUEST retransmission delay.</summary>
    public uint RequestInitialMs { get; set; } = 1000;

    /// <summary>Cap of the REQUEST backoff.</summary>
    public uint RequestMaxMs { get; set; } = 8000;

    /// <summary>After this many REQUESTs without an acceptable offer, Poll reports NoDonorYet (and goes on).</summary>
    public uint RequestAttemptsBeforeWarning { get; set; } = 5;

    /// <summary>T_offer: how long to gather further offers after the first acceptable one.</summary>
    public uint OfferWindowMs { get; set; } = 750;

    /// <summary>T_acc: ACCEPT retransmission delay.</summary>
    public uint AcceptRetryMs { get; set; } = 1000;

    /// <summary>N_acc: ACCEPTs before the offer is given up.</summary>
    public uint AcceptAttempts { get; set; } = 5;

    /// <summary>T_quiet: silence of the session before an unsolicited STATUS.</summary>
    public uint QuietInitialMs { get; set; } = 3000;

    /// <summary>Cap of the unsolicited-STATUS backoff.</summary>
    public uint QuietMaxMs { get; set; } = 12000;

    /// <summary>T_lost: time without progress (a newly held fragment) after which the client leaves the session and rediscovers, keeping fragments.</summary>
    public uint SessionLostMs { get; set; } = 30000;

    /// <summary>T_exclude: how long a donor id and address stay excluded after its image was rejected (§6.7).</summary>
    public uint ExcludeRejectedMs { get; set; } = 600000;

    /// <summary>T_stall: how long a donor id and address stay excluded after a session made no progress for T_lost (§6.7).</summary>
    public uint ExcludeStalledMs { get; set; } = 60000;

    /// <summary>Cap of the STATUS answer delay whatever window a STATUS_REQUEST asks for (§6.5).</summary>
    public uint MaxAnswerDelayMs { get; set; } = 2000;

    /// <summary>T_res: RESULT retransmission delay.</summary>
    public uint ResultRetryMs { get; set; } = 1000;

    /// <summary>N_res: RESULTs sent before giving up on RESULT_ACK.</summary>
    public uint ResultAttempts { get; set; } = 8;

    /// <summary>Spread of every retransmission delay, ± percent.</summary>
    public uint JitterPercent { get; set; } = 25;
}
