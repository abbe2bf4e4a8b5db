namespace UefiRecovery.Core.Protocol.Client;

/// <summary>
/// What failed before (docs/protocol.md §6.7). A manifest root whose bytes were bad is excluded for the rest
/// of the run: no offer with it is acceptable (an honest root can never be excluded, its bytes verify). A donor
/// id or source address that failed (a rejected image: T_exclude; a stalled session: T_stall) only demotes its
/// later offers below the others until it expires — ids and addresses are claims anyone can copy, so a failure
/// staged in the honest manager's name must not shut the manager out. Bounded: when full, the entry that protects
/// least (no root, earliest expiry) is reused.
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

    /// <summary>Whether <paramref name="root"/> belongs to an image whose bytes failed verification: never acceptable again.</summary>
    public bool ExcludesRoot(Hash128 root)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_hasRoot[i] && _roots[i].Equals(root))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Whether an offer from <paramref name="donorId"/> at <paramref name="address"/> ranks after the others now.</summary>
    public bool Demotes(ulong donorId, uint address, ulong now)
    {
        for (int i = 0; i < _count; i++)
        {
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
