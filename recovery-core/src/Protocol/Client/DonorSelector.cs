namespace UefiRecovery.Core.Protocol.Client;

/// <summary>
/// Holds the acceptable offers of one discovery, at most one per donor and at most <see cref="Capacity"/>
/// in all, and picks the best by a <see cref="DonorPolicy"/> (docs/protocol.md §6.4). Storage is allocated once.
/// </summary>
public sealed class DonorSelector
{
    /// <summary>Offers kept per discovery (docs/protocol.md §8).</summary>
    public const int DefaultCapacity = 8;

    private readonly OfferRecord[] _offers;
    private int _count;

    public DonorSelector(int capacity)
    {
        _offers = new OfferRecord[capacity < 1 ? 1 : capacity];
    }

    public int Capacity => _offers.Length;
    public int Count => _count;

    public void Clear()
    {
        _count = 0;
    }

    public OfferRecord this[int index] => _offers[index];

    /// <summary>
    /// Adds an offer. A newer offer from the same donor replaces its older one (keeping the older one's arrival order); when full, the new offer
    /// replaces the worst kept one only if the policy ranks it better. False if it was not kept.
    /// </summary>
    public bool TryAdd(in OfferRecord record, DonorPolicy policy, in PolicyContext context)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_offers[i].DonorId == record.DonorId)
            {
                // A donor answering a retransmitted REQUEST keeps its place in the arrival order.
                OfferRecord old = _offers[i];
                _offers[i] = new OfferRecord(
                    record.DonorId, record.DonorEndpoint, record.OfferMessageId, record.SessionId, record.Offer, old.ArrivalSequence,
                    record.FromConfiguredManager);
                return true;
            }
        }
        if (_count < _offers.Length)
        {
            _offers[_count] = record;
            _count++;
            return true;
        }
        int worst = 0;
        for (int i = 1; i < _count; i++)
        {
            if (policy.Compare(_offers[i], _offers[worst], context) > 0)
            {
                worst = i;
            }
        }
        if (policy.Compare(record, _offers[worst], context) < 0)
        {
            _offers[worst] = record;
            return true;
        }
        return false;
    }

    /// <summary>Forgets the offer of <paramref name="donorId"/>, if any.</summary>
    public void Remove(ulong donorId)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_offers[i].DonorId == donorId)
            {
                _offers[i] = _offers[_count - 1];
                _count--;
                return;
            }
        }
    }

    /// <summary>The best kept offer by <paramref name="policy"/>; false when none is kept.</summary>
    public bool TrySelectBest(DonorPolicy policy, in PolicyContext context, out OfferRecord best)
    {
        if (_count == 0)
        {
            best = default;
            return false;
        }
        int bestIndex = 0;
        for (int i = 1; i < _count; i++)
        {
            if (policy.Compare(_offers[i], _offers[bestIndex], context) < 0)
            {
                bestIndex = i;
            }
        }
        best = _offers[bestIndex];
        return true;
    }
}
