using System;
using System.Numerics;
using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Core.Protocol.Client;

/// <summary>
/// One bit per fragment (or per manifest group): set = held (docs/protocol.md §6.3). Storage is allocated once
/// for <see cref="Capacity"/> fragments; <see cref="Reset"/> reuses it for each image.
/// </summary>
public sealed class FragmentBitmap
{
    private readonly ulong[] _words;
    private uint _count;
    private uint _held;

    public FragmentBitmap(uint capacity)
    {
        Capacity = capacity;
        _words = new ulong[(capacity + 63) / 64];
    }

    /// <summary>Most fragments an image may have for this bitmap.</summary>
    public uint Capacity { get; }

    /// <summary>Fragments of the current image.</summary>
    public uint Count => _count;

    /// <summary>Fragments held.</summary>
    public uint HeldCount => _held;

    public bool IsComplete => _count != 0 && _held == _count;

    /// <summary>Starts a new image of <paramref name="count"/> fragments, none held. False above capacity.</summary>
    public bool Reset(uint count)
    {
        if (count > Capacity)
        {
            return false;
        }
        uint usedWords = (uint)(((ulong)Math.Max(count, _count) + 63) / 64);
        _words.AsSpan(0, (int)usedWords).Clear();
        _count = count;
        _held = 0;
        return true;
    }

    public bool IsHeld(uint index)
    {
        return index < _count && (_words[index >> 6] & (1UL << (int)(index & 63))) != 0;
    }

    /// <summary>Marks <paramref name="index"/> held. True if it was not held before (a new fragment).</summary>
    public bool TryMarkHeld(uint index)
    {
        if (index >= _count)
        {
            return false;
        }
        ulong bit = 1UL << (int)(index & 63);
        ref ulong word = ref _words[index >> 6];
        if ((word & bit) != 0)
        {
            return false;
        }
        word |= bit;
        _held++;
        return true;
    }

    /// <summary>Marks <paramref name="index"/> missing again. True if it was held (a copy found bad after all).</summary>
    public bool TryMarkMissing(uint index)
    {
        if (index >= _count)
        {
            return false;
        }
        ulong bit = 1UL << (int)(index & 63);
        ref ulong word = ref _words[index >> 6];
        if ((word & bit) == 0)
        {
            return false;
        }
        word &= ~bit;
        _held--;
        return true;
    }

    /// <summary>First index ≥ <paramref name="from"/> that is missing, or <see cref="Count"/> if none.</summary>
    public uint NextMissing(uint from)
    {
        return NextWithState(from, held: false);
    }

    /// <summary>First index ≥ <paramref name="from"/> that is held, or <see cref="Count"/> if none.</summary>
    public uint NextHeld(uint from)
    {
        return NextWithState(from, held: true);
    }

    /// <summary>
    /// Writes the missing fragments as canonical ranges (ascending, separated by held fragments), at most
    /// <paramref name="ranges"/>.Length of them. Returns how many were written; <paramref name="more"/> is
    /// true when missing fragments remain beyond the last range written.
    /// </summary>
    public int CollectMissingRanges(Span<NackRange> ranges, out bool more) => CollectMissingRanges(0, ranges, out more);

    /// <summary>As <see cref="CollectMissingRanges(Span{NackRange}, out bool)"/>, for the fragments from <paramref name="from"/> on.</summary>
    public int CollectMissingRanges(uint from, Span<NackRange> ranges, out bool more)
    {
        int written = 0;
        uint index = NextMissing(from);
        while (index < _count && written < ranges.Length)
        {
            uint end = NextHeld(index);
            ranges[written] = new NackRange(index, end - index);
            written++;
            index = end < _count ? NextMissing(end) : _count;
        }
        more = index < _count;
        return written;
    }

    /// <summary>
    /// Writes the NACK-bitmap form (docs/protocol.md §4.6) for fragments [windowStart, windowStart + 8 ×
    /// bits.Length): bit i of byte j set = fragment windowStart + 8j + i missing. Positions at or past
    /// <see cref="Count"/> are written as 0. Returns how many missing fragments the window lists.
    /// </summary>
    public uint WriteMissingBitmap(uint windowStart, Span<byte> bits)
    {
        uint listed = 0;
        for (int j = 0; j < bits.Length; j++)
        {
            byte value = 0;
            for (int i = 0; i < 8; i++)
            {
                ulong fragment = (ulong)windowStart + (ulong)j * 8 + (ulong)i;
                if (fragment < _count && !IsHeld((uint)fragment))
                {
                    value |= (byte)(1 << i);
                    listed++;
                }
            }
            bits[j] = value;
        }
        return listed;
    }

    // Word-at-a-time scan: a 16 MiB image at 1432-byte fragments is ~11,700 bits = 183 words.
    private uint NextWithState(uint from, bool held)
    {
        if (from >= _count)
        {
            return _count;
        }
        uint wordIndex = from >> 6;
        ulong word = held ? _words[wordIndex] : ~_words[wordIndex];
        word &= ~0UL << (int)(from & 63);
        uint lastWord = (_count - 1) >> 6;
        while (true)
        {
            if (word != 0)
            {
                uint found = (wordIndex << 6) + (uint)BitOperations.TrailingZeroCount(word);
                return found < _count ? found : _count;
            }
            if (wordIndex == lastWord)
            {
                return _count;
            }
            wordIndex++;
            word = held ? _words[wordIndex] : ~_words[wordIndex];
        }
    }
}
