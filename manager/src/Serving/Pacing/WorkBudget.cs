using System;

namespace UefiRecovery.Manager.Serving.Pacing;

/// <summary>
/// A budget for expensive work a datagram can trigger (an RSA signature, hashing a whole image for a new
/// manifest): units refill at a fixed rate up to a cap, and work that finds the budget empty is not done
/// (the datagram is dropped and counted; a real machine repeats its REQUEST). A spend may overdraw once
/// when the budget is full, so one job bigger than the cap still runs. Time is passed in; one thread.
/// </summary>
public sealed class WorkBudget(double unitsPerSecond, double capacity)
{
    private readonly double _capacity = capacity;
    private double _units = capacity;
    private TimeSpan _last = TimeSpan.MinValue;

    /// <summary>Spends <paramref name="units"/> if the budget holds them (or is full); false leaves it unchanged.</summary>
    public bool TrySpend(double units, TimeSpan now)
    {
        if (_last != TimeSpan.MinValue && now > _last) _units = Math.Min(_capacity, _units + (now - _last).TotalSeconds * unitsPerSecond);
        if (now > _last) _last = now;
        if (_units < units && _units < _capacity) return false;
        _units -= units;
        return true;
    }
}
