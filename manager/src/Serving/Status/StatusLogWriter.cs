using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace UefiRecovery.Manager.Serving.Status;

/// <summary>
/// When stdout is not a terminal (a service, a pipe, a test), prints one plain progress line per active session
/// every few seconds instead of the live view, a finished session's summary once (never again), and the summary of
/// everything when the manager stops. Events (offers, joins, results) are logged by the engine as they happen.
/// </summary>
public sealed class StatusLogWriter(IStatusSource source, ILogger<StatusLogWriter> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly HashSet<uint> _summarised = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await Task.Delay(Interval, stoppingToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { break; }
            foreach (string line in Lines(source.Current, _summarised))
                logger.LogInformation("{Line}", line);
        }
        foreach (string line in LiveStatusLines.Summary(source.Current))
            logger.LogInformation("{Line}", line);
    }

    /// <summary>The lines of one tick: each session still going, and each newly finished one once (recorded in <paramref name="summarised"/>).</summary>
    public static IReadOnlyList<string> Lines(ServerStatus status, ISet<uint> summarised)
    {
        var lines = new List<string>();
        foreach (var session in status.Sessions)
        {
            if (session.State == "Finished")
            {
                if (summarised.Add(session.SessionId))
                    lines.Add(LiveStatusLines.Summary(status with { Sessions = new[] { session } })[0]);
                continue;
            }
            var phases = session.Clients.GroupBy(c => c.Phase).Select(g => g.Count().ToString(CultureInfo.InvariantCulture) + " " + g.Key);
            int held = session.Clients.Count(c => c.HeldKnown);
            string progress = session.State == "Sending" && session.RepairRounds == 0
                ? string.Create(CultureInfo.InvariantCulture, $"first pass {session.FirstPassSentFraction * 100:0}% sent, {session.RateNowMBytesPerSecond:0.0} MB/s now")
                : session.State == "Sending"
                    ? string.Create(CultureInfo.InvariantCulture, $"repair pass {session.Pass}, {session.RateNowMBytesPerSecond:0.0} MB/s now")
                    : session.State == "AwaitingResults" ? "nothing to send: machines verifying and writing" : session.State;
            string writing = session.Clients.Where(c => c.Phase == "writing").Select(c => c.PhaseSeconds).DefaultIfEmpty(-1).Max() is double longest and >= 0
                ? string.Create(CultureInfo.InvariantCulture, $", longest write {longest:0} s") : "";
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"session {session.SessionIdHex} {session.Image}: {progress}, repair rounds {session.RepairRounds}; machines {string.Join(", ", phases)}{writing}; held known for {held} of {session.Clients.Count}"));
        }
        return lines;
    }
}
