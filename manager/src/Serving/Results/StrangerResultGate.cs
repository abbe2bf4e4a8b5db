using System;
using System.Net;
using UefiRecovery.Manager.Serving.Limits;

namespace UefiRecovery.Manager.Serving.Results;

/// <summary>
/// What happens to a RESULT whose member token is genuine (docs/protocol.md §7.4) but that no member of a session of
/// this manager run sent: the manager restarted since (same secret), the machine's ACCEPT and STATUS were all lost,
/// or someone asked in another machine's name from its own address just to get a token (a MAC is no secret, and the
/// token of such an OFFER is genuine). The manager cannot tell these apart by the token, so:
/// <list type="bullet">
/// <item>a RESULT naming a session id this run offered but never started is not recorded: no DATA was ever sent
/// under that id, so no machine can have received its image there;</item>
/// <item>any other is recorded under a rate limit per source address and for all sources together, and marked
/// (`sessionKnown`, the detail); over the limit it is neither recorded nor acknowledged, and a real machine repeats
/// it (8 times, 1 s apart, §6.2).</item>
/// </list>
/// A member's RESULT never comes here and is never limited. Engine thread only; time is passed in.
/// </summary>
public sealed class StrangerResultGate(RateLimit perSource, RateLimit total, int maxSources, int sessionsRemembered)
{
    private readonly SourceRateLimiter _limiter = new(perSource, total, maxSources);
    // Both forget their oldest ids. Every started id was offered first and the offered set takes more ids, so an id
    // is forgotten as offered no later than as started: a forgotten id is simply unknown (recorded under the limit).
    private readonly BoundedKeySet<uint> _offered = new(sessionsRemembered);
    private readonly BoundedKeySet<uint> _started = new(sessionsRemembered);

    /// <summary>This run put <paramref name="sessionId"/> in an OFFER for a session not created yet.</summary>
    public void Offered(uint sessionId) => _offered.Add(sessionId);

    /// <summary>This run created the session <paramref name="sessionId"/> (its first ACCEPT).</summary>
    public void Started(uint sessionId) => _started.Add(sessionId);

    /// <summary>The verdict on a token-proven RESULT from a non-member, naming <paramref name="sessionId"/>, from <paramref name="source"/>.</summary>
    public StrangerVerdict Judge(uint sessionId, IPAddress source, TimeSpan now)
    {
        if (_offered.Contains(sessionId) && !_started.Contains(sessionId)) return StrangerVerdict.NeverStarted;
        return _limiter.TryTake(source, now) ? StrangerVerdict.Record : StrangerVerdict.RateLimited;
    }

    /// <summary>RESULTs refused by the rate limit since the last call (for the periodic flood summary).</summary>
    public SourceRateLimiter.Summary TakeSummary(TimeSpan now, int top) => _limiter.TakeSummary(now, top);
}

/// <summary>What to do with a token-proven RESULT from a non-member.</summary>
public enum StrangerVerdict
{
    /// <summary>Record it (marked) and acknowledge it.</summary>
    Record,
    /// <summary>It names a session this run offered and never started: drop it, unacknowledged.</summary>
    NeverStarted,
    /// <summary>Over the rate limit: drop it, unacknowledged (a real machine repeats it).</summary>
    RateLimited,
}
