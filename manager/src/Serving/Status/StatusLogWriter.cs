using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace UefiRecovery.Manager.Serving.Status;

/// <summary>
/// When stdout is not a terminal (a service, a pipe, a test), prints one plain progress line per
/// active session every few seconds instead of the live view. Events (offers, joins, results) are
/// logged by the engine as they happen.
/// </summary>
public sealed class StatusLogWriter(IStatusSource source, ILogger<StatusLogWriter> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await Task.Delay(Interval, stoppingToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            foreach (var session in source.Current.Sessions)
            {
                int done = 0;
                foreach (var client in session.Clients) if (client.Result is not null) done++;
                logger.LogInformation("{Line}", string.Create(CultureInfo.InvariantCulture,
                    $"session {session.SessionId:x8} {session.Image}: {session.State}, pass {session.Pass}, repair rounds {session.RepairRounds}, clients {session.Clients.Count} ({done} reported), {session.ThroughputMBytesPerSecond:0.0} MB/s"));
            }
        }
    }
}
