using System.Collections.Generic;

namespace UefiRecovery.Manager.Serving.Limits;

/// <summary>
/// A set that remembers at most <c>capacity</c> keys, forgetting the oldest first. For de-duplication
/// where every key comes from the network: a flood of distinct keys costs a fixed amount of memory,
/// and only a repeat older than the last <c>capacity</c> keys goes unrecognised.
/// </summary>
public sealed class BoundedKeySet<T>(int capacity) where T : notnull
{
    private readonly HashSet<T> _keys = new();
    private readonly Queue<T> _order = new();

    public int Count => _keys.Count;

    public bool Contains(T key) => _keys.Contains(key);

    /// <summary>Adds <paramref name="key"/> (false if present), evicting the oldest key when full.</summary>
    public bool Add(T key)
    {
        if (!_keys.Add(key)) return false;
        _order.Enqueue(key);
        while (_keys.Count > capacity && _order.TryDequeue(out T? oldest)) _keys.Remove(oldest);
        return true;
    }
}
