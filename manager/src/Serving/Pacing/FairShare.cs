using System;
using System.Collections.Generic;

namespace UefiRecovery.Manager.Serving.Pacing;

/// <summary>
/// Shares a send rate equally between parties that have something to send: each pick goes to the ready party
/// that has been charged the fewest bytes. A party that was idle (or is new) starts level with the least-charged
/// ready party, so idling banks no credit and a newcomer gets its share at once instead of catching up on what
/// others sent before it. Memory: one entry per party charged recently (parties that fall level with the rest are
/// forgotten). Time plays no part; one thread.
/// </summary>
public sealed class FairShare<TKey> where TKey : notnull
{
    private const int PruneAbove = 1024;
    private readonly Dictionary<TKey, double> _charged = new();
    // The level of the last pick: the least any ready party had been charged. New and idle parties start here.
    private double _level;

    /// <summary>Parties remembered (for the tests: bounded by the parties charged since they last fell level).</summary>
    public int Remembered => _charged.Count;

    /// <summary>The index in <paramref name="ready"/> of the party to serve next; -1 when it is empty.</summary>
    public int Pick(IReadOnlyList<TKey> ready)
    {
        int best = -1;
        double bestLevel = double.MaxValue;
        for (int i = 0; i < ready.Count; i++)
        {
            double level = LevelOf(ready[i]);
            if (level < bestLevel)
            {
                bestLevel = level;
                best = i;
            }
        }
        if (best >= 0) _level = Math.Max(_level, bestLevel);
        return best;
    }

    /// <summary>Charges <paramref name="bytes"/> sent for <paramref name="party"/>.</summary>
    public void Charge(TKey party, int bytes)
    {
        _charged[party] = LevelOf(party) + bytes;
        if (_charged.Count > PruneAbove) Prune();
    }

    private double LevelOf(TKey party) => _charged.TryGetValue(party, out double charged) && charged > _level ? charged : _level;

    // Parties at or below the level are the same as unknown ones: forget them.
    private void Prune()
    {
        var level = new List<TKey>();
        foreach (var (party, charged) in _charged) if (charged <= _level) level.Add(party);
        foreach (var party in level) _charged.Remove(party);
        if (_charged.Count > PruneAbove) _charged.Clear(); // only parties ahead of the level: all start level again
    }
}
