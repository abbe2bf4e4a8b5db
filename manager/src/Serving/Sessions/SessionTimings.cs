using System;

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
    public TimeSpan Gather { get; init; } = TimeSpan.FromMilliseconds(1000);

    /// <summary>After COMPLETE, how long to wait for the client's RESULT (it verifies and writes flash first).</summary>
    public TimeSpan ResultTimeout { get; init; } = TimeSpan.FromSeconds(600);

    /// <summary>An OFFER nobody accepted is forgotten after this (the donor then serves nothing for it).</summary>
    public TimeSpan OfferExpiry { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Extra wait after the response window for answers still in flight.</summary>
    public TimeSpan RoundGrace { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A finished session stays visible in the status this long.</summary>
    public TimeSpan FinishedLinger { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Response window W = clamp(10 ms × members asked, 100, 2000) ms (§7.2.5): answers spread out, no implosion.</summary>
    public static ushort ResponseWindowMs(int clientsAsked) => (ushort)Math.Clamp(10 * clientsAsked, 100, 2000);
}
