using System;

namespace UefiRecovery.Core.Config;

/// <summary>
/// Up to <see cref="Capacity"/> SHA-256 key hashes from one repeatable <c>uefirecovery.trust.*</c> key (64 hex
/// digits per entry): the capsule keys, the manager keys and the instruction keys share this one rule.
/// Allocated once; adding allocates nothing.
/// </summary>
public sealed class KeyHashList
{
    public const int Capacity = 4;
    public const int HashLength = 32;

    private readonly byte[] _hashes = new byte[Capacity * HashLength];
    private readonly string _tooMany;
    private readonly string _badValue;

    /// <param name="tooMany">The reason when a fifth entry is given.</param>
    /// <param name="badValue">The reason when an entry is not 64 hex digits (names what the hash is of).</param>
    public KeyHashList(string tooMany, string badValue)
    {
        _tooMany = tooMany;
        _badValue = badValue;
    }

    public int Count { get; private set; }

    /// <summary>The <paramref name="index"/>th hash (32 bytes); empty outside 0..Count-1.</summary>
    public ReadOnlySpan<byte> Get(int index) =>
        index < 0 || index >= Count ? default : new ReadOnlySpan<byte>(_hashes, index * HashLength, HashLength);

    /// <summary>True when <paramref name="hash"/> is one of the entries.</summary>
    public bool Contains(ReadOnlySpan<byte> hash)
    {
        for (int i = 0; i < Count; i++)
        {
            if (Get(i).SequenceEqual(hash))
                return true;
        }
        return false;
    }

    /// <summary>Adds one entry; nothing changes unless it returns true. <paramref name="reason"/> says why not.</summary>
    public bool TryAdd(ReadOnlySpan<char> value, out string reason)
    {
        if (Count == Capacity)
        {
            reason = _tooMany;
            return false;
        }
        Span<byte> hash = stackalloc byte[HashLength];
        if (!RecoveryTargetConfig.TryParseHex(value, hash))
        {
            reason = _badValue;
            return false;
        }
        hash.CopyTo(new Span<byte>(_hashes, Count * HashLength, HashLength));
        Count++;
        reason = "";
        return true;
    }
}
