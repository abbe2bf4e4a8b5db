using System;

namespace UefiRecovery.Manager.Serving.Sessions;

/// <summary>
/// How late this session's members answer a STATUS_REQUEST beyond its response window (docs/protocol.md §7.2 rule 5),
/// so the poll grace fits them. A member that receives faster than it can handle (a socket buffer holding a second of
/// a 1 Gbit/s pass, a firmware on a slow CPU) reads the request only after what queued before it: with a fixed 200 ms
/// grace such a session closed its first rounds before anyone answered, started repair passes with a few members'
/// needs, and took the rest's late answers, computed before the pass reached them, as new (§7.2 rule 6). The lag of
/// an answer is its arrival after its round's request minus that round's window (a member waits less than the window
/// before answering); the grace is 1.25 × the largest lag seen in the session, at least the configured grace and at
/// most <see cref="MaxGrace"/>. A member that is behind reads several queued requests at once and answers only the
/// newest, so its lag shows only once it has caught up: until then a round that closes with no STATUS at all doubles
/// the grace (members slower than it, or a request lost for all of them; both call for waiting longer). A round every
/// member answered in time halves both again. Only a member's first answer to the round being asked counts, so a
/// forged STATUS_REQUEST cannot make a repeat or an old round's echo look late. What a hostile LAN can still do, by
/// forging requests that delay answers (a long window) or by a member answering late on purpose, is keep the grace at
/// <see cref="MaxGrace"/> while it goes on: rounds with a silent member then last W + 3 s (docs/protocol.md §7.2 rule 5).
/// </summary>
public sealed class AnswerLag(TimeSpan minimumGrace)
{
    /// <summary>The longest grace: beyond it a member is better asked again than waited for.</summary>
    public static readonly TimeSpan MaxGrace = TimeSpan.FromSeconds(3);

    // When each of the last rounds was asked, and its window; by round number modulo the ring's length.
    private readonly uint[] _rounds = new uint[16];
    private readonly TimeSpan[] _askedAt = new TimeSpan[16];
    private readonly TimeSpan[] _windows = new TimeSpan[16];
    private TimeSpan _largest;
    private TimeSpan _backedOff;

    /// <summary>The largest lag seen (zero before any).</summary>
    public TimeSpan Largest => _largest;

    /// <summary>The poll grace now: how long after a round's window its answers are still waited for.</summary>
    public TimeSpan Grace
    {
        get
        {
            TimeSpan fitted = TimeSpan.FromTicks(_largest.Ticks + _largest.Ticks / 4);
            if (_backedOff > fitted) fitted = _backedOff;
            return fitted < minimumGrace ? minimumGrace : fitted > MaxGrace ? MaxGrace : fitted;
        }
    }

    /// <summary>Round <paramref name="round"/>'s request went out at <paramref name="now"/> with this window.</summary>
    public void Asked(uint round, TimeSpan now, TimeSpan window)
    {
        int slot = (int)(round % (uint)_rounds.Length);
        _rounds[slot] = round;
        _askedAt[slot] = now;
        _windows[slot] = window;
    }

    /// <summary>Every member asked answered the round before its deadline: the grace comes halfway back down.</summary>
    public void AnsweredInTime()
    {
        _largest = TimeSpan.FromTicks(_largest.Ticks / 2);
        _backedOff = TimeSpan.FromTicks(_backedOff.Ticks / 2);
    }

    /// <summary>A round closed with members asked and no STATUS at all: the next rounds wait twice as long.</summary>
    public void NobodyAnswered()
    {
        TimeSpan doubled = Grace * 2;
        _backedOff = doubled > MaxGrace ? MaxGrace : doubled;
    }

    /// <summary>A member's answer to <paramref name="round"/> arrived at <paramref name="now"/>; false for a round not asked lately.</summary>
    public bool Answered(uint round, TimeSpan now)
    {
        if (round == 0) return false;
        int slot = (int)(round % (uint)_rounds.Length);
        if (_rounds[slot] != round) return false;
        TimeSpan lag = now - _askedAt[slot] - _windows[slot];
        if (lag > _largest) _largest = lag;
        return true;
    }
}
