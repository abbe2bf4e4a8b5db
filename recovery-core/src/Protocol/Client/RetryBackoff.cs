namespace UefiRecovery.Core.Protocol.Client;

/// <summary>
/// Retransmission timer with exponential backoff and jitter (docs/protocol.md §6.2): the delay doubles
/// after each send up to a cap, and each wait is spread ±JitterPercent so machines that started
/// together drift apart. A mutable struct held in a field of its owner; never copied.
/// </summary>
public struct RetryBackoff
{
    private uint _initialMs;
    private uint _maxMs;
    private uint _currentMs;
    private uint _jitterPercent;

    /// <summary>When the next send is due.</summary>
    public ulong DueAt { get; private set; }

    /// <summary>Sends made since <see cref="Start"/>.</summary>
    public uint Attempts { get; private set; }

    /// <summary>Arms the timer so the first send is due at <paramref name="now"/>.</summary>
    public void Start(ulong now, uint initialMs, uint maxMs, uint jitterPercent)
    {
        _initialMs = initialMs;
        _maxMs = maxMs < initialMs ? initialMs : maxMs;
        _currentMs = initialMs;
        _jitterPercent = jitterPercent > 100 ? 100 : jitterPercent;
        Attempts = 0;
        DueAt = now;
    }

    /// <summary>Arms the timer so the first event is due one (jittered) initial delay after <paramref name="now"/>.</summary>
    public void StartDelayed(ulong now, uint initialMs, uint maxMs, uint jitterPercent, ProtocolRandom random)
    {
        Start(now, initialMs, maxMs, jitterPercent);
        DueAt = now + Jittered(_initialMs, random);
    }

    public bool IsDue(ulong now)
    {
        return now >= DueAt;
    }

    /// <summary>Records a send at <paramref name="now"/> and schedules the next one.</summary>
    public void OnSent(ulong now, ProtocolRandom random)
    {
        Attempts++;
        DueAt = now + Jittered(_currentMs, random);
        uint doubled = _currentMs > uint.MaxValue / 2 ? uint.MaxValue : _currentMs * 2;
        _currentMs = doubled > _maxMs ? _maxMs : doubled;
    }

    private uint Jittered(uint delayMs, ProtocolRandom random)
    {
        if (_jitterPercent == 0 || delayMs == 0)
        {
            return delayMs;
        }
        // delay × (100 − j + u) / 100 with u uniform in [0, 2j]: spread ±j % around the nominal delay.
        uint spread = 2 * _jitterPercent + 1;
        ulong scaled = (ulong)delayMs * (100 - _jitterPercent + random.NextBelow(spread));
        return (uint)(scaled / 100);
    }
}
