using System;

namespace UefiRecovery.Core.Protocol.Client;

/// <summary>
/// Holds the acceptable offers of one discovery, at most <see cref="Capacity"/>, and picks the best by a
/// <see cref="DonorPolicy"/> (docs/protocol.md §6.4). An offer is one record whatever donor id it names: a
/// later offer naming the same id from the same source for the same session and token replaces it (a repeated
/// REQUEST's answer), any other is a record of its own, so a forged offer carrying an honest donor's id can no
/// longer push the honest one out. A signed offer's datagram is kept so its signature can be checked when it
/// would be chosen (§6.8). Storage is allocated once.
/// </summary>
public sealed class DonorSelector
{
    /// <summary>Offers kept per discovery (docs/protocol.md §8).</summary>
    public const int DefaultCapacity = 16;

    private readonly OfferRecord[] _offers;
    private readonly byte[][] _datagrams;
    private readonly int[] _datagramLengths;
    private int _count;

    public DonorSelector(int capacity, int datagramBytes)
    {
        int n = capacity < 1 ? 1 : capacity;
        _offers = new OfferRecord[n];
        _datagrams = new byte[n][];
        _datagramLengths = new int[n];
        for (int i = 0; i < n; i++)
        {
            _datagrams[i] = new byte[datagramBytes];
        }
    }

    public int Capacity => _offers.Length;
    public int Count => _count;

    public void Clear()
    {
        _count = 0;
    }

    public OfferRecord this[int index] => _offers[index];

    /// <summary>
    /// Adds an offer (and, for a signed one, its datagram). When full, the new offer replaces the worst kept one
    /// only if the policy ranks it better. False if it was not kept.
    /// </summary>
    public bool TryAdd(in OfferRecord record, ReadOnlySpan<byte> datagram, DonorPolicy policy, in PolicyContext context)
    {
        if (datagram.Length > _datagrams[0].Length)
        {
            return false;
        }
        for (int i = 0; i < _count; i++)
        {
            if (_offers[i].IsSameOfferAs(record))
            {
                // A donor answering a retransmitted REQUEST keeps its place in the arrival order.
                Store(i, record, datagram, _offers[i].ArrivalSequence, _offers[i].Lot);
                return true;
            }
        }
        if (_count < _offers.Length)
        {
            Store(_count, record, datagram, record.ArrivalSequence, record.Lot);
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
            Store(worst, record, datagram, record.ArrivalSequence, record.Lot);
            return true;
        }
        return false;
    }

    /// <summary>Forgets the offer that arrived as <paramref name="arrivalSequence"/>, if it is kept.</summary>
    public void Remove(uint arrivalSequence)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_offers[i].ArrivalSequence == arrivalSequence)
            {
                int last = _count - 1;
                _offers[i] = _offers[last];
                byte[] swap = _datagrams[i];
                _datagrams[i] = _datagrams[last];
                _datagrams[last] = swap;
                _datagramLengths[i] = _datagramLengths[last];
                _count--;
                return;
            }
        }
    }

    /// <summary>The best kept offer by <paramref name="policy"/> and its slot; false when none is kept.</summary>
    public bool TrySelectBest(DonorPolicy policy, in PolicyContext context, out OfferRecord best, out int slot)
    {
        slot = -1;
        best = default;
        if (_count == 0)
        {
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
        slot = bestIndex;
        best = _offers[bestIndex];
        return true;
    }

    /// <summary>The datagram kept with the offer in <paramref name="slot"/> (empty for an unsigned one).</summary>
    public ReadOnlySpan<byte> DatagramAt(int slot) => new ReadOnlySpan<byte>(_datagrams[slot], 0, _datagramLengths[slot]);

    /// <summary>Marks the offer in <paramref name="slot"/> as having passed its signature check.</summary>
    public void MarkSignatureChecked(int slot)
    {
        _offers[slot] = _offers[slot].With(_offers[slot].Traits & ~OfferTraits.SignaturePending);
    }

    private void Store(int slot, in OfferRecord record, ReadOnlySpan<byte> datagram, uint arrival, uint lot)
    {
        _offers[slot] = new OfferRecord(record.DonorId, record.DonorEndpoint, record.OfferMessageId, record.SessionId, record.Offer,
            arrival, record.Traits, lot);
        datagram.CopyTo(_datagrams[slot]);
        _datagramLengths[slot] = datagram.Length;
    }
}
