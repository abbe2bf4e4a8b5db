using System;
using System.Net;
using Microsoft.Extensions.Logging;

namespace UefiRecovery.Manager.Serving.Sessions;

/// <summary>
/// Messages whose member token is wrong (docs/protocol.md §7.2 rules 2, 7, 8; §9): forged by someone who
/// knows a MAC but did not see the OFFER, or sent to a manager that restarted with another secret. Each is
/// counted (`rejectReasons`: `RESULT:bad-token`, ...); the log gets at most one summary line per interval,
/// so a flood of them cannot flood the log. Engine thread only.
/// </summary>
public sealed partial class DonorEngine
{
    private static readonly TimeSpan BadTokenLogInterval = TimeSpan.FromSeconds(10);
    private TimeSpan _badTokenLoggedAt = TimeSpan.MinValue;
    private long _badTokensUnlogged;
    private long _forgedResults;
    private string _lastBadTokenKind = "";
    private IPEndPoint? _lastBadTokenSender;
    private ulong _lastBadTokenSenderId;

    /// <summary>RESULTs dropped because their token was not the member's: never recorded, never acknowledged.</summary>
    public long ForgedResultsDropped => _forgedResults;

    private void NoteBadToken(string kind, IPEndPoint sender, ulong senderId, TimeSpan now)
    {
        Reject(kind + ":bad-token");
        if (kind == "RESULT") _forgedResults++;
        _badTokensUnlogged++;
        _lastBadTokenKind = kind;
        _lastBadTokenSender = sender;
        _lastBadTokenSenderId = senderId;
        if (_badTokenLoggedAt == TimeSpan.MinValue || now - _badTokenLoggedAt >= BadTokenLogInterval) LogBadTokens(now);
    }

    /// <summary>The summary line, when there is something to say and the interval has passed (also called from the tick).</summary>
    private void LogBadTokens(TimeSpan now)
    {
        if (_badTokensUnlogged == 0 || (_badTokenLoggedAt != TimeSpan.MinValue && now - _badTokenLoggedAt < BadTokenLogInterval)) return;
        _logger.LogWarning("dropped {Count} message(s) with a wrong member token (latest: {Kind} from {Sender} claiming {Id}): forged, or meant for a manager with another secret; {Forged} forged RESULT(s) so far, none recorded",
            _badTokensUnlogged, _lastBadTokenKind, _lastBadTokenSender, SessionClient.FormatId(_lastBadTokenSenderId), _forgedResults);
        _badTokensUnlogged = 0;
        _badTokenLoggedAt = now;
    }
}
