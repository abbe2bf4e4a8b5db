using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace UefiRecovery.Manager.Hostile;

/// <summary>
/// Sends an attack's datagrams to a target from several local source addresses (round robin), as fast
/// as the kernel takes them, up to a count and a hard time cap. Optionally paced by the target's own
/// progress: given a way to read how many datagrams the target has handled, it keeps at most
/// <see cref="FloodPlan.MaxAhead"/> unhandled datagrams in flight, so the count that reaches the target's
/// handlers is close to the count sent (what the kernel drops anyway is estimated and reported).
/// </summary>
public static class FloodSender
{
    private const int Chunk = 2000;

    public static async Task<FloodReport> RunAsync(FloodPlan plan, AttackDatagrams datagrams, Func<Task<long>>? handled = null,
        Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var sockets = new List<Socket>();
        try
        {
            foreach (IPAddress source in plan.Sources)
            {
                var socket = new Socket(source.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                sockets.Add(socket);
                socket.Bind(new IPEndPoint(source, 0));
            }
            SocketAddress target = plan.Target.Serialize();
            var clock = Stopwatch.StartNew();
            long sent = 0, failed = 0, estimatedDropped = 0, answered = 0;
            var receiveBuffer = new byte[65536];
            long baseline = handled is null ? 0 : await handled().ConfigureAwait(false);
            long lastHandled = 0;
            TimeSpan lastProgressAt = TimeSpan.Zero;
            long nextReport = plan.ReportEvery;
            while (sent < plan.Count && clock.Elapsed < plan.TimeCap && !cancellationToken.IsCancellationRequested
                   && (plan.HandledTarget is not { } goal || lastHandled < goal))
            {
                for (int i = 0; i < Chunk && sent < plan.Count; i++, sent++)
                {
                    ReadOnlyMemory<byte> datagram = datagrams.Next();
                    try
                    {
                        sockets[(int)(sent % sockets.Count)].SendTo(datagram.Span, SocketFlags.None, target);
                    }
                    catch (SocketException)
                    {
                        failed++; // ENOBUFS/ECONNREFUSED: the kernel refused it; counted, not retried
                    }
                }
                if (datagrams.AnswersReplies) answered += Answer(sockets, receiveBuffer, datagrams, target);
                if (progress is not null && sent >= nextReport)
                {
                    progress($"sent {sent}, {clock.Elapsed.TotalSeconds:0.0} s");
                    nextReport += plan.ReportEvery;
                }
                if (handled is null) continue;
                while (clock.Elapsed < plan.TimeCap)
                {
                    long done = await handled().ConfigureAwait(false) - baseline;
                    if (done != lastHandled) { lastHandled = done; lastProgressAt = clock.Elapsed; }
                    if (sent - done - estimatedDropped <= plan.MaxAhead) break;
                    if (clock.Elapsed - lastProgressAt > plan.StallTimeout)
                    {
                        // No progress although datagrams are outstanding: the kernel dropped them.
                        estimatedDropped = sent - done;
                        break;
                    }
                    await Task.Delay(2, cancellationToken).ConfigureAwait(false);
                }
            }
            long finalHandled = handled is null ? -1 : await handled().ConfigureAwait(false) - baseline;
            return new FloodReport(sent + answered, failed, finalHandled, clock.Elapsed);
        }
        finally
        {
            foreach (var socket in sockets) socket.Dispose();
        }
    }

    // Reads what the target sent back (without waiting) and answers what the attack answers, e.g. OFFER with ACCEPT.
    private static long Answer(List<Socket> sockets, byte[] buffer, AttackDatagrams datagrams, SocketAddress target)
    {
        long answered = 0;
        var from = new SocketAddress(target.Family);
        foreach (var socket in sockets)
        {
            while (socket.Available > 0)
            {
                int n = socket.ReceiveFrom(buffer, SocketFlags.None, from);
                if (!datagrams.TryAnswer(buffer.AsSpan(0, n), out ReadOnlyMemory<byte> answer)) continue;
                try { socket.SendTo(answer.Span, SocketFlags.None, target); answered++; }
                catch (SocketException) { }
            }
        }
        return answered;
    }

    /// <summary>127.0.1.1, 127.0.1.2, ...: distinct loopback sources (Linux answers the whole of 127.0.0.0/8).</summary>
    public static IReadOnlyList<IPAddress> LoopbackSources(int count)
    {
        var sources = new List<IPAddress>();
        for (int i = 0; i < count; i++) sources.Add(new IPAddress(new byte[] { 127, 0, (byte)(1 + i / 250), (byte)(1 + i % 250) }));
        return sources;
    }
}

/// <summary>Where, from where, how many, and for how long at most.</summary>
public sealed record FloodPlan(IPEndPoint Target, IReadOnlyList<IPAddress> Sources, long Count, TimeSpan TimeCap)
{
    /// <summary>With progress pacing: most datagrams sent but not yet handled by the target.</summary>
    public long MaxAhead { get; init; } = 30_000;

    /// <summary>With progress pacing: no progress this long means the outstanding datagrams were dropped.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>With progress pacing: stop once the target has handled this many (the count is then only a cap).</summary>
    public long? HandledTarget { get; init; }

    /// <summary>How often (in datagrams) the progress callback is told.</summary>
    public long ReportEvery { get; init; } = 100_000;
}

/// <summary>What was sent, what the kernel refused at once, how many the target reports handled (-1: unknown), how long it took.</summary>
public sealed record FloodReport(long Sent, long SendFailures, long Handled, TimeSpan Elapsed);
