using System;

namespace UefiRecovery.Core.Protocol.Client;

/// <summary>Every timer and retry limit of the client (docs/protocol.md §6.2), in one configurable value.</summary>
public sealed class ClientTimings
{
    /// <summary>
    /// T_req: first REQUEST retransmission delay. Short because a lost REQUEST or OFFER is what makes a machine join a
    /// session late (issue #15: at 1 s, machines that lost one joined pass 0 1.2–3.2 s late and missed part of it).
    /// </summary>
    public uint RequestInitialMs { get; set; } = 250;

    /// <summary>Cap of the REQUEST backoff.</summary>
    public uint RequestMaxMs { get; set; } = 8000;

    /// <summary>After this many REQUESTs without an acceptable offer (about 16 s with the defaults), Poll reports NoDonorYet (and goes on).</summary>
    public uint RequestAttemptsBeforeWarning { get; set; } = 7;

    /// <summary>
    /// T_offer: the offer window closes this long after the discovery's first REQUEST (every donor had that long to
    /// answer it), but never less than <see cref="OfferLateWindowMs"/> after the first acceptable offer.
    /// </summary>
    public uint OfferWindowMs { get; set; } = 750;

    /// <summary>
    /// T_late: the shortest offer window, for an offer that came after retransmitted REQUESTs: the donors that answer
    /// the same retransmission answer within it, and the machine is not made to join later than its peers.
    /// </summary>
    public uint OfferLateWindowMs { get; set; } = 250;

    /// <summary>T_acc: first ACCEPT retransmission delay (a lost ACCEPT costs this much), doubling up to <see cref="AcceptRetryMaxMs"/>.</summary>
    public uint AcceptRetryMs { get; set; } = 250;

    /// <summary>Cap of the ACCEPT backoff.</summary>
    public uint AcceptRetryMaxMs { get; set; } = 1000;

    /// <summary>N_acc: ACCEPTs before the offer is given up (the last one about 5.75 s after the first with the defaults).</summary>
    public uint AcceptAttempts { get; set; } = 8;

    /// <summary>
    /// The earliest moment after its first ACCEPT a client gives its offer up: the first N_acc − 1 backoff delays, each
    /// at full negative jitter. A donor that gathers members must start sending well before this (§7.2 rule 3).
    /// </summary>
    public ulong EarliestAcceptGiveUpMs()
    {
        ulong total = 0;
        ulong delay = AcceptRetryMs;
        ulong cap = Math.Max(AcceptRetryMs, AcceptRetryMaxMs);
        for (uint i = 1; i < AcceptAttempts; i++)
        {
            total += delay * (100 - Math.Min(JitterPercent, 100u)) / 100;
            delay = Math.Min(delay * 2, cap);
        }
        return total;
    }

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

    /// <summary>
    /// T_res: first RESULT retransmission delay, doubling up to <see cref="ResultRetryMaxMs"/>. A lost RESULT or
    /// RESULT_ACK costs 50 ms, not 250: the fleet is done for the operator when the last RESULT is acknowledged, and at
    /// 1 % loss each way 20 of 1,000 machines lose one (docs/fleet-model.md). A repeated RESULT is recorded once.
    /// </summary>
    public uint ResultRetryMs { get; set; } = 50;

    /// <summary>Cap of the RESULT retransmission backoff: N_res RESULTs span about 11 s before the client gives up.</summary>
    public uint ResultRetryMaxMs { get; set; } = 2000;

    /// <summary>N_res: RESULTs sent before giving up on RESULT_ACK (50 ms doubling to 2 s: about 11 s).</summary>
    public uint ResultAttempts { get; set; } = 10;

    /// <summary>Spread of every retransmission delay, ± percent.</summary>
    public uint JitterPercent { get; set; } = 25;
}
