namespace UefiRecovery.Core.Protocol.Client;

/// <summary>
/// Offers the client will not take again (docs/protocol.md §6.7). A rejected image excludes its donor id
/// and source address for T_exclude, and its manifest root for the rest of the run when the bytes
/// themselves were bad; a stalled session excludes id and address for T_stall. An offer matching any live key is not acceptable. Bounded: when
/// full, the entry that protects least (no root, earliest expiry) is reused. One rogue at one address
/// holds one entry, because its later offers already match it and are never taken.
/// </summary>
public sealed class DonorExclusions
{
    public const int DefaultCapacity = 16;

    private readonly ulong[] _donorIds;
    private readonly uint[] _addresses;
    private readonly Hash128[] _roots;
    private readonly bool[] _hasRoot;
    private readonly ulong[] _expiresAt;
    private int _count;

    public DonorExclusions(int capacity)
    {
        int n = capacity < 1 ? 1 : capacity;
        _donorIds = new ulong[n];
        _addresses = new uint[n];
        _roots = new Hash128[n];
        _hasRoot = new bool[n];
        _expiresAt = new ulong[n];
    }

    public int Count => _count;

    /// <summary>
    /// A rejected image: id and address until <paramref name="idUntil"/>, and — when the bytes themselves
    /// were bad (<paramref name="excludeRoot"/>) — the root for the rest of the run.
    /// </summary>
    public void ExcludeRejected(ulong donorId, uint address, Hash128 root, bool excludeRoot, ulong idUntil)
    {
        Add(donorId, address, root, excludeRoot, idUntil);
    }

    /// <summary>A session without progress: id and address until <paramref name="until"/>.</summary>
    public void ExcludeStalled(ulong donorId, uint address, ulong until)
    {
        Add(donorId, address, default, false, until);
    }

    public bool Matches(ulong donorId, uint address, Hash128 root, ulong now)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_hasRoot[i] && _roots[i].Equals(root))
            {
                return true;
            }
            if (now < _expiresAt[i] && (_donorIds[i] == donorId || (address != 0 && _addresses[i] == address)))
            {
                return true;
            }
        }
        return false;
    }

    private void Add(ulong donorId, uint address, Hash128 root, bool hasRoot, ulong until)
    {
        int slot = _count < _donorIds.Length ? _count++ : LeastProtectiveSlot();
        _donorIds[slot] = donorId;
        _addresses[slot] = address;
        _roots[slot] = root;
        _hasRoot[slot] = hasRoot;
        _expiresAt[slot] = until;
    }

    private int LeastProtectiveSlot()
    {
        int best = 0;
        for (int i = 1; i < _count; i++)
        {
            if (_hasRoot[i] != _hasRoot[best] ? !_hasRoot[i] : _expiresAt[i] < _expiresAt[best])
            {
                best = i;
            }
        }
        return best;
    }
}
