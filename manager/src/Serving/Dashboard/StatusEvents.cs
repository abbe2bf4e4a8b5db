using System;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using UefiRecovery.Manager.Serving.Status;

namespace UefiRecovery.Manager.Serving.Dashboard;

/// <summary>
/// GET /events: Server-Sent Events carrying the same JSON as GET /status (camelCase, one line per event), sent when
/// anything but the snapshot's time changed and at least once a second. The stream ends when the manager stops, and
/// its first line asks the browser to reconnect after a second, so a restarted manager is picked up by itself.
/// At most <see cref="MaxStreams"/> streams at once (503 beyond): each costs a serialisation four times a second.
/// </summary>
public static class StatusEvents
{
    public const int MaxStreams = 32;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);
    // Below a second, so that with the poll interval the gap between two events stays under one.
    private static readonly TimeSpan KeepAlive = TimeSpan.FromMilliseconds(750);
    private static int _streams;

    public static IEndpointRouteBuilder MapStatusEvents(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/events", (HttpContext context, IStatusSource source, IHostApplicationLifetime lifetime) => StreamAsync(context, source, lifetime));
        return routes;
    }

    private static async Task StreamAsync(HttpContext context, IStatusSource source, IHostApplicationLifetime lifetime)
    {
        if (Interlocked.Increment(ref _streams) > MaxStreams)
        {
            Interlocked.Decrement(ref _streams);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync("503: more than " + MaxStreams + " dashboards are open\n").ConfigureAwait(false);
            return;
        }
        try
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
            DashboardEndpoint.SetPageHeaders(context.Response);
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers["X-Accel-Buffering"] = "no"; // a proxy in front must not hold events back
            await context.Response.WriteAsync("retry: 1000\n\n", stop.Token).ConfigureAwait(false);
            string lastContent = "";
            DateTime lastSent = DateTime.MinValue;
            while (!stop.IsCancellationRequested)
            {
                ServerStatus status = source.Current;
                // The snapshot's time changes every publish; only the rest says whether anything happened.
                string content = JsonSerializer.Serialize(status with { Time = default }, Json);
                if (content != lastContent || DateTime.UtcNow - lastSent >= KeepAlive)
                {
                    await context.Response.WriteAsync("data: " + JsonSerializer.Serialize(status, Json) + "\n\n", stop.Token).ConfigureAwait(false);
                    await context.Response.Body.FlushAsync(stop.Token).ConfigureAwait(false);
                    lastContent = content;
                    lastSent = DateTime.UtcNow;
                }
                await Task.Delay(Poll, stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The browser went away or the manager stops: the stream just ends.
        }
        finally
        {
            Interlocked.Decrement(ref _streams);
        }
    }
}
