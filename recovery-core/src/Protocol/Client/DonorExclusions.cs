namespace UefiRecovery.Core.Protocol.Client;

/// <summary>
/// Donors whose image failed verification; their offers are not acceptable for the rest of the run
/// (docs/protocol.md §6.7). A fixed ring: the oldest exclusion is forgotten when it is full.
/// </summary>
public sealed class DonorExclusions
{
    public const int DefaultCapacity = 8;

    private readonly ulong[] _donors;
    private int _count;
    private int _next;

    public DonorExclusions(int capacity)
    {
        _donors = new ulong[capacity < 1 ? 1 : capacity];
    }

    public int Count => _count;

    public void Add(ulong donorId)
    {
        if (Contains(donorId))
        {
            return;
        }
        _donors[_next] = donorId;
        _next = (_next + 1) % _donors.Length;
        if (_count < _donors.Length)
        {
            _count++;
        }
    }

    public bool Contains(ulong donorId)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_donors[i] == donorId)
            {
                return true;
            }
        }
        return false;
    }
}
