using System;
using System.Numerics;

namespace UefiRecovery.Manager.Serving.Sessions;

/// <summary>
/// A set of fragment numbers below a fixed count, as a bitmap: the fragments still to send in the
/// current pass, or the union of every client's NACKs for the next repair pass.
/// </summary>
public sealed class FragmentSet
{
    private readonly ulong[] _words;
    private int _count;

    public FragmentSet(uint capacity)
    {
        Capacity = capacity;
        _words = new ulong[(capacity + 63) / 64];
    }

    public uint Capacity { get; }
    public int Count => _count;
    public bool IsEmpty => _count == 0;

    public bool Contains(uint index) => index < Capacity && (_words[index >> 6] & (1UL << (int)(index & 63))) != 0;

    public bool Add(uint index)
    {
        if (index >= Capacity) return false;
        ref ulong word = ref _words[index >> 6];
        ulong bit = 1UL << (int)(index & 63);
        if ((word & bit) != 0) return false;
        word |= bit;
        _count++;
        return true;
    }

    public bool Remove(uint index)
    {
        if (index >= Capacity) return false;
        ref ulong word = ref _words[index >> 6];
        ulong bit = 1UL << (int)(index & 63);
        if ((word & bit) == 0) return false;
        word &= ~bit;
        _count--;
        return true;
    }

    /// <summary>Adds [first, first + count), clipped to the capacity (a hostile range cannot grow the set).</summary>
    public void AddRange(uint first, uint count) => AddRangeExcept(first, count, null);

    /// <summary>Adds [first, first + count) clipped to the capacity, leaving out the members of <paramref name="except"/> (if any).</summary>
    public void AddRangeExcept(uint first, uint count, FragmentSet? except)
    {
        ulong end = Math.Min((ulong)first + count, Capacity);
        for (ulong i = first; i < end; i++)
            if (except is null || !except.Contains((uint)i)) Add((uint)i);
    }

    /// <summary>Makes this set equal to <paramref name="other"/>.</summary>
    public void CopyFrom(FragmentSet other)
    {
        if (other.Capacity != Capacity) throw new ArgumentException("capacities differ", nameof(other));
        Array.Copy(other._words, _words, _words.Length);
        _count = other._count;
    }

    public void AddAll() => AddRange(0, Capacity);

    public void Clear()
    {
        Array.Clear(_words);
        _count = 0;
    }

    /// <summary>Moves every member of <paramref name="other"/> into this set and empties <paramref name="other"/>.</summary>
    public void TakeAll(FragmentSet other)
    {
        if (other.Capacity != Capacity) throw new ArgumentException("capacities differ", nameof(other));
        int count = 0;
        for (int i = 0; i < _words.Length; i++)
        {
            _words[i] |= other._words[i];
            count += BitOperations.PopCount(_words[i]);
        }
        _count = count;
        other.Clear();
    }

    /// <summary>The smallest member ≥ <paramref name="from"/>, or -1 if none.</summary>
    public long NextFrom(uint from)
    {
        if (from >= Capacity || _count == 0) return -1;
        int w = (int)(from >> 6);
        ulong word = _words[w] & (ulong.MaxValue << (int)(from & 63));
        while (true)
        {
            if (word != 0)
            {
                long index = ((long)w << 6) + BitOperations.TrailingZeroCount(word);
                return index < Capacity ? index : -1;
            }
            if (++w >= _words.Length) return -1;
            word = _words[w];
        }
    }
}
