using System;
using UefiRecovery.Core.Protocol.Client;

namespace UefiRecovery.Manager.Serving.Sessions;

/// <summary>
/// The clocks of a session (docs/protocol.md §6). One place, so tests and operators can see them together.
/// </summary>
public sealed record SessionTimings
{
    /// <summary>A client that leaves this many status requests in a row unanswered, for this long, is timed out.</summary>
    public TimeSpan ClientTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Consecutive unanswered rounds before a member may be dropped (§7.3: 5).</summary>
    public int SilentRoundsBeforeDrop { get; init; } = 5;

    /// <summary>From round this many silent rounds on, each silent member also gets a STATUS_REQUEST targeted at it (§7.2.5).</summary>
    public int SilentRoundsBeforeTargeted { get; init; } = 3;

    /// <summary>T_gather (§7.3): after the first ACCEPT, wait for others before pass 0.</summary>
    public TimeSpan Gather { get; init; } = DefaultGather;

    /// <summary>
    /// T_gather's default is the client's offer window T_offer (§6.2): a machine that boots within one
    /// offer window of the first accepts within one T_gather of it and shares pass 0.
    /// </summary>
    public static TimeSpan DefaultGather => TimeSpan.FromMilliseconds(new ClientTimings().OfferWindowMs);

    /// <summary>
    /// The longest T_gather that never makes a client give up: it hears nothing while the donor gathers, and drops
    /// the offer after N_acc ACCEPTs on a backoff (<see cref="ClientTimings.EarliestAcceptGiveUpMs"/>, 4.3 s with the
    /// defaults); half of that leaves room for a lost ACCEPT.
    /// </summary>
    public static double MaxGatherSeconds => new ClientTimings().EarliestAcceptGiveUpMs() / 1000.0 / 2;

    /// <summary>After COMPLETE, how long to wait for the client's RESULT (it verifies and writes flash first).</summary>
    public TimeSpan ResultTimeout { get; init; } = TimeSpan.FromSeconds(600);

    /// <summary>An OFFER nobody accepted is forgotten after this (the donor then serves nothing for it).</summary>
    public TimeSpan OfferExpiry { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Extra wait after the response window for answers still in flight (§7.3 poll grace). A LAN answers in
    /// well under a millisecond; 200 ms covers a firmware client that polls on 10 ms timer ticks under load.
    /// Waiting longer only matters when an answer or the request was lost, and then it is pure idle time:
    /// every lossy round at 5-10 % loss paid it.
    /// </summary>
    public TimeSpan RoundGrace { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Copies of each STATUS_REQUEST, sent back to back with the same message id (a retransmission, §3.3).
    /// Clients ignore a copy of the round they are already answering (§6.5), so a second copy costs 48
    /// bytes and turns a member lost to one dropped request (p) into one lost to two (p²): at 10 % loss and
    /// 20 members, most rounds otherwise waited out the whole grace for someone who never heard the request.
    /// </summary>
    public int StatusRequestCopies { get; init; } = 2;

    /// <summary>
    /// A member whose NACKs this many repair passes carried without it holding one fragment more is dropped
    /// (recorded like a timeout, with the reason; docs/operating.md). Together with <see cref="NoProgressFragments"/>:
    /// an honest member under heavy loss still gains fragments, and one missing a few fragments would have to
    /// lose every copy of at least 16 of them in a row (at 10 % loss, 1 in 10^16).
    /// </summary>
    public int NoProgressPasses { get; init; } = 3;

    /// <summary>How many of its NACKed fragments must have been sent again, without progress, before it is dropped.</summary>
    public int NoProgressFragments { get; init; } = 16;

    /// <summary>A finished session stays visible in the status this long.</summary>
    public TimeSpan FinishedLinger { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Response window W = clamp(members asked / 4, 20, 2000) ms (§7.2.5): answers spread out at about 4,000 a second,
    /// which the engine handles with most of a core to spare (the fleet model measures 7–22 µs of CPU per STATUS,
    /// `plan`'s "donor engine" line) and which the switch port and the 4 MiB socket buffer absorb. The floor is low
    /// because a few members cannot implode, and every round of a small session waits on average W/2 for its answer.
    /// (It was 10 ms per member: 100 answers a second, and rounds of 200 members or more took 2 s each.)
    /// </summary>
    public static ushort ResponseWindowMs(int clientsAsked) => (ushort)Math.Clamp(clientsAsked / 4, 20, 2000);

    /// <summary>
    /// W for a round after a pass 0 with proactive parity (§5.5): almost every member is complete, so almost every
    /// answer is a COMPLETE (no needs to fold, a few µs each) or none at all (its RESULT came first), and the few still
    /// short are what the round is for. clamp(asked / 64, 20, 2000) ms: 64 answers a millisecond, 10,000 members in
    /// 156 ms instead of 2 s; a short member's answer, uniform in W, would otherwise hold its repair for a second.
    /// </summary>
    public static ushort CompletingWindowMs(int clientsAsked) => (ushort)Math.Clamp(clientsAsked / 64, 20, 2000);
}
