using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Runtime.InteropServices;

namespace UefiRecovery.Manager.Serving.Limits;

/// <summary>
/// Token buckets per source address, in a bounded table, behind one bucket for all sources together:
/// what one datagram may cost in log lines (or result records) is capped per sender, and a flood from
/// many (spoofed) senders is capped as a whole. Sources beyond the table share one bucket, so the
/// table's memory is fixed however many addresses a flood uses. What is refused is counted per source
/// for a periodic summary line instead. Single-threaded: only the engine thread calls it; time is passed in.
/// </summary>
public sealed class SourceRateLimiter
{
    private readonly Dictionary<IPAddress, Bucket> _sources = new();
    private readonly List<IPAddress> _idleScratch = new();
    private readonly RateLimit _perSource;
    private readonly RateLimit _total;
    private readonly int _maxSources;
    private Bucket _all;
    private Bucket _overflow;
    private long _suppressed;

    public SourceRateLimiter(RateLimit perSource, RateLimit total, int maxSources)
    {
        _perSource = perSource;
        _total = total;
        _maxSources = maxSources;
        _all = Bucket.Full(total);
        _overflow = Bucket.Full(perSource);
    }

    /// <summary>Sources with a bucket of their own now (at most the table size).</summary>
    public int TrackedSources => _sources.Count;

    /// <summary>Takes one token for <paramref name="source"/>: true = go ahead, false = suppressed (and counted).</summary>
    public bool TryTake(IPAddress source, TimeSpan now)
    {
        ref Bucket bucket = ref _overflow;
        if (_sources.Count < _maxSources || _sources.ContainsKey(source))
        {
            bucket = ref CollectionsMarshal.GetValueRefOrAddDefault(_sources, source, out bool exists);
            if (!exists) bucket = Bucket.Full(_perSource, now);
        }
        bool allowed = bucket.Refill(_perSource, now) && _all.Refill(_total, now);
        if (allowed)
        {
            bucket.Tokens -= 1;
            _all.Tokens -= 1;
            return true;
        }
        bucket.Suppressed++;
        _suppressed++;
        return false;
    }

    /// <summary>
    /// What was suppressed since the last call, the sources that were suppressed most first (at most
    /// <paramref name="top"/>), and resets the counts. Also forgets sources that have been idle long
    /// enough for a full bucket, so the table makes room for new ones.
    /// </summary>
    public Summary TakeSummary(TimeSpan now, int top)
    {
        var worst = new List<(string Source, long Count)>();
        int sources = 0;
        _idleScratch.Clear();
        foreach (var (address, bucket) in _sources)
        {
            if (bucket.Suppressed > 0)
            {
                sources++;
                worst.Add((address.ToString(), bucket.Suppressed));
                CollectionsMarshal.GetValueRefOrNullRef(_sources, address).Suppressed = 0; // a lookup: the enumeration stays valid
            }
            else if (bucket.IsFullAt(_perSource, now))
            {
                _idleScratch.Add(address);
            }
        }
        foreach (var address in _idleScratch) _sources.Remove(address);
        if (_overflow.Suppressed > 0)
        {
            sources++;
            worst.Add(("other sources", _overflow.Suppressed));
            _overflow.Suppressed = 0;
        }
        worst.Sort((a, b) => b.Count.CompareTo(a.Count));
        if (worst.Count > top) worst.RemoveRange(top, worst.Count - top);
        var summary = new Summary(_suppressed, sources, worst);
        _suppressed = 0;
        return summary;
    }

    /// <summary>Suppressed since the last summary: total, how many sources, and the worst of them.</summary>
    public sealed record Summary(long Suppressed, int Sources, IReadOnlyList<(string Source, long Count)> Worst)
    {
        public string WorstText => string.Join(", ", Worst.Select(w => w.Source + " " + w.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    private struct Bucket
    {
        public double Tokens;
        public TimeSpan LastRefill;
        public long Suppressed;

        public static Bucket Full(RateLimit limit, TimeSpan now = default) => new() { Tokens = limit.Burst, LastRefill = now };

        // Adds what accrued since the last refill; true when a whole token is there.
        public bool Refill(RateLimit limit, TimeSpan now)
        {
            if (now > LastRefill)
            {
                Tokens = Math.Min(limit.Burst, Tokens + (now - LastRefill).TotalSeconds * limit.PerSecond);
                LastRefill = now;
            }
            return Tokens >= 1;
        }

        public readonly bool IsFullAt(RateLimit limit, TimeSpan now) =>
            Tokens + (now - LastRefill).TotalSeconds * limit.PerSecond >= limit.Burst;
    }
}

/// <summary>A token bucket's shape: sustained rate and how much may come at once.</summary>
public readonly record struct RateLimit(double PerSecond, double Burst);
