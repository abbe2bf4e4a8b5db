using System;
using System.Threading;

namespace UefiRecovery.Manager.Serving.Pacing;

/// <summary>
/// Paces DATA to a byte rate: tokens (bytes) refill continuously up to a small burst; a send spends
/// its size. Pacing keeps the switch and the clients' receive queues from overflowing, which would turn
/// into repair rounds. A rate of 0 means unpaced. Time comes from a <see cref="TimeProvider"/>: the system's
/// monotonic clock in serve, a virtual clock in the fleet model.
/// </summary>
public sealed class TokenBucket : ISendPacer
{
    private readonly double _bytesPerSecond;
    private readonly double _burstBytes;
    private double _tokens;
    private readonly TimeProvider _time;
    private long _lastTicks;

    public TokenBucket(double megabitsPerSecond, int burstBytes, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        if (megabitsPerSecond < 0) throw new ArgumentOutOfRangeException(nameof(megabitsPerSecond));
        _bytesPerSecond = megabitsPerSecond * 1_000_000 / 8;
        _burstBytes = Math.Max(burstBytes, 1);
        _tokens = _burstBytes;
        _lastTicks = _time.GetTimestamp();
    }

    /// <summary>
    /// The donor's DATA pacer at <paramref name="megabitsPerSecond"/>. Burst: 10 ms of line rate (at least 64 KiB). The
    /// sender sleeps in whole milliseconds, and on a busy host it wakes late; a bucket that holds 10 ms lets it catch
    /// up instead of losing the rate. Receivers' socket buffers absorb a burst of this size easily.
    /// </summary>
    public static TokenBucket ForData(double megabitsPerSecond, TimeProvider? time = null)
    {
        int burst = (int)Math.Max(64 * 1024, megabitsPerSecond * 1_000_000 / 8 * 0.010);
        return new TokenBucket(megabitsPerSecond, burst, time);
    }

    /// <summary>Bytes the bucket holds when full.</summary>
    public double BurstBytes => _burstBytes;

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
        // A refusal never says "now": less than a tick away rounds up to one (a caller on a virtual clock would
        // otherwise ask again at the same instant, forever).
        wait = TimeSpan.FromSeconds((bytes - _tokens) / _bytesPerSecond);
        if (wait <= TimeSpan.Zero) wait = TimeSpan.FromTicks(1);
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
        long now = _time.GetTimestamp();
        double seconds = (now - _lastTicks) / (double)_time.TimestampFrequency;
        _lastTicks = now;
        _tokens = Math.Min(_burstBytes, _tokens + seconds * _bytesPerSecond);
    }
}
