using System;

namespace UefiRecovery.Core.Config;

/// <summary>
/// The entries that were applied, with their source, in the order applied: the app's one resolution of
/// its configuration, replayed into any further <see cref="RecoveryConfig"/> a mode builds and searched by
/// key for callers that read single values. Fixed capacity, allocated once.
/// </summary>
public sealed class ConfigEntryStore
{
    public const int Capacity = 48;
    public const int MaxEntryLength = ConfigTextReader.MaxLineLength;

    private readonly char[] _text = new char[Capacity * MaxEntryLength];
    private readonly int[] _lengths = new int[Capacity];
    private readonly ConfigSource[] _sources = new ConfigSource[Capacity];

    public int Count { get; private set; }

    /// <summary>False (nothing stored) when full or the entry is longer than <see cref="MaxEntryLength"/>.</summary>
    public bool TryAdd(ConfigSource source, ReadOnlySpan<char> entry)
    {
        if (Count == Capacity || entry.Length > MaxEntryLength)
            return false;
        entry.CopyTo(new Span<char>(_text, Count * MaxEntryLength, MaxEntryLength));
        _lengths[Count] = entry.Length;
        _sources[Count] = source;
        Count++;
        return true;
    }

    public ReadOnlySpan<char> GetEntry(int index) =>
        index < 0 || index >= Count ? default : new ReadOnlySpan<char>(_text, index * MaxEntryLength, _lengths[index]);

    public ConfigSource GetSource(int index) => index < 0 || index >= Count ? ConfigSource.None : _sources[index];

    /// <summary>The value of the first stored entry for <paramref name="key"/> (full name, no '='); false when none.</summary>
    public bool TryFindValue(ReadOnlySpan<char> key, out ReadOnlySpan<char> value)
    {
        for (int i = 0; i < Count; i++)
        {
            ReadOnlySpan<char> entry = GetEntry(i);
            if (entry.Length > key.Length && entry[key.Length] == '=' && SameText(entry.Slice(0, key.Length), key))
            {
                value = entry.Slice(key.Length + 1);
                return true;
            }
        }
        value = default;
        return false;
    }

    /// <summary>Applies every stored entry to <paramref name="config"/> with its original source (same result as the resolution).</summary>
    public void ReplayInto(RecoveryConfig config)
    {
        for (int i = 0; i < Count; i++)
            config.TryApplyFrom(_sources[i], GetEntry(i));
    }

    private static bool SameText(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i] != b[i]) return false;
        }
        return true;
    }
}
