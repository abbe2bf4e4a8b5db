using System;
using System.Net;
using Microsoft.Extensions.Logging;
using UefiRecovery.Manager.Serving.Limits;

namespace UefiRecovery.Manager.Serving.Sessions;

/// <summary>
/// What a datagram may cost beyond its own handling, so that a flood (docs/operating.md §7) costs
/// bounded memory and bounded log and result-log growth. A member's RESULT is recorded once per membership
/// without a limit. A genuine token alone is not enough for that: anyone can ask in any MAC's name from its own
/// address and get one (§7.4), so a RESULT whose token no member of a session of this run carries is recorded
/// only under a rate limit (<see cref="Results.StrangerResultGate"/>). Engine thread only.
/// </summary>
public sealed partial class DonorEngine
{
    // Log lines caused by one datagram: a machine logs a handful per recovery (REQUEST every backoff,
    // twice when it also broadcasts it, join, COMPLETE, RESULT), so 20 at once and one per second is
    // plenty; all sources together 500 at once and 10 per second. What is suppressed is summarised every 10 s.
    private static readonly RateLimit LogLinesPerSource = new(1, 20);
    private static readonly RateLimit LogLinesTotal = new(10, 500);

    // RESULTs from non-members (the manager restarted, the machine's ACCEPT and STATUS were lost, or a token asked
    // for in another MAC's name): 16 at once per source (machines behind one NAT address finishing together) and
    // one per second; 100 at once and 5 per second from all sources. A refused one is not acknowledged, so a real
    // machine repeats it (8 tries, 1 s apart) and is recorded then.
    private static readonly RateLimit StrangerResultsPerSource = new(1, 16);
    private static readonly RateLimit StrangerResultsTotal = new(5, 100);

    private const int MaxLimitedSources = 4096;
    private const int MaxRecordedResultKeys = 65536;
    private static readonly TimeSpan SuppressedSummaryInterval = TimeSpan.FromSeconds(10);

    private readonly SourceRateLimiter _logLimiter = new(LogLinesPerSource, LogLinesTotal, MaxLimitedSources);
    private readonly Results.StrangerResultGate _strangerResults = new(StrangerResultsPerSource, StrangerResultsTotal, MaxLimitedSources, MaxRecordedResultKeys);
    private TimeSpan _nextSuppressedSummaryAt = SuppressedSummaryInterval;

    /// <summary>
    /// Whether a log line caused by a datagram from <paramref name="sender"/> may be written now. A line
    /// the logger would drop anyway (the live view shows warnings only) takes no token and is not counted.
    /// </summary>
    private bool LogFrom(IPEndPoint sender, LogLevel level = LogLevel.Information) =>
        _logger.IsEnabled(level) && _logLimiter.TryTake(sender.Address, Now);

    private void ReportSuppressed(TimeSpan now)
    {
        if (now < _nextSuppressedSummaryAt) return;
        _nextSuppressedSummaryAt = now + SuppressedSummaryInterval;
        var lines = _logLimiter.TakeSummary(now, 5);
        if (lines.Suppressed > 0)
            _logger.LogWarning("flood: suppressed {Lines} log lines from {Sources} sources in the last {Seconds:0} s (most: {Worst})",
                lines.Suppressed, lines.Sources, SuppressedSummaryInterval.TotalSeconds, lines.WorstText);
        var results = _strangerResults.TakeSummary(now, 5);
        if (results.Suppressed > 0)
            _logger.LogWarning("flood: refused {Results} RESULTs from non-members (not recorded, not acknowledged) from {Sources} sources in the last {Seconds:0} s (most: {Worst})",
                results.Suppressed, results.Sources, SuppressedSummaryInterval.TotalSeconds, results.WorstText);
    }
}
