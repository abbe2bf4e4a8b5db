using System;
using System.Diagnostics;
using System.Threading;

namespace UefiRecovery.Manager.Serving.Pacing;

/// <summary>
/// Paces DATA to a byte rate: tokens (bytes) refill continuously up to a small burst; a send spends
/// its size. Pacing keeps the switch and the clients' receive queues from overflowing, which would turn
/// into repair rounds. A rate of 0 means unpaced.
/// </summary>
public sealed class TokenBucket
{
    private readonly double _bytesPerSecond;
    private readonly double _burstBytes;
    private double _tokens;
    private long _lastTicks;

    public TokenBucket(double megabitsPerSecond, int burstBytes)
    {
        if (megabitsPerSecond < 0) throw new ArgumentOutOfRangeException(nameof(megabitsPerSecond));
        _bytesPerSecond = megabitsPerSecond * 1_000_000 / 8;
        _burstBytes = Math.Max(burstBytes, 1);
        _tokens = _burstBytes;
        _lastTicks = Stopwatch.GetTimestamp();
    }

    public bool IsUnlimited => _bytesPerSecond == 0;

    /// <summary>Spends <paramref name="bytes"/> if available now; otherwise returns how long until they are.</summary>
    public bool TryTake(int bytes, out TimeSpan wait)
    {
        wait = TimeSpan.Zero;
        if (IsUnlimited) return true;
        Refill();
        if (_tokens >= bytes || _tokens >= _burstBytes)
        {
            _tokens -= bytes;
            return true;
        }
        wait = TimeSpan.FromSeconds((bytes - _tokens) / _bytesPerSecond);
        return false;
    }

    /// <summary>Spends <paramref name="bytes"/> already sent (a MANIFEST ahead of its DATA): the bucket may go into debt, which later sends repay.</summary>
    public void Spend(int bytes)
    {
        if (IsUnlimited || bytes <= 0) return;
        Refill();
        _tokens -= bytes;
    }

    /// <summary>Blocks the calling (sender) thread until <paramref name="bytes"/> may go; sleeps for long waits, spins for short ones.</summary>
    public void Take(int bytes, CancellationToken cancellationToken)
    {
        while (!TryTake(bytes, out TimeSpan wait))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (wait >= TimeSpan.FromMilliseconds(2)) Thread.Sleep(wait - TimeSpan.FromMilliseconds(1));
            else Thread.Yield();
        }
    }

    private void Refill()
    {
        long now = Stopwatch.GetTimestamp();
        double seconds = (now - _lastTicks) / (double)Stopwatch.Frequency;
        _lastTicks = now;
        _tokens = Math.Min(_burstBytes, _tokens + seconds * _bytesPerSecond);
    }
}
