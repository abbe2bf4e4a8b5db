using System;
using System.Collections.Generic;
using System.Net;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Manager.Serving.Catalog;

namespace UefiRecovery.Manager.Serving.Sessions;

/// <summary>
/// Offers made for sessions that do not exist yet (docs/protocol.md §7.2.1: the session is created
/// lazily on the first ACCEPT, the offer stays valid at least 10 s). Bounded, oldest evicted first, so a
/// flood of REQUESTs can neither exhaust memory nor the session table: it can only push out old offers,
/// whose clients then get ABORT(unknown session) and simply ask again. Pending unicast offers are also
/// bounded per owner address (§7.2 rule 11): a new one evicts the oldest for that address, never another
/// address's, and is never refused. A REQUEST with a forged source address makes such an offer, so refusing
/// would let a spoofer keep a machine's address "full"; evicting only costs that spoofer its own offers, as
/// long as the machine accepts within <paramref name="unicastPerAddress"/> of the spoofer's REQUESTs.
/// </summary>
public sealed class OfferTable(int capacity, TimeSpan validity, int unicastPerAddress = int.MaxValue)
{
    private readonly Dictionary<uint, PendingOffer> _offers = new();
    private readonly Queue<uint> _order = new();
    // Pending unicast offers per owner address, oldest first (at most unicastPerAddress each).
    private readonly Dictionary<IPAddress, List<uint>> _unicastPerAddress = new();

    /// <summary>Unicast offers evicted to make room for a newer one at the same address.</summary>
    public long UnicastEvictions { get; private set; }

    public int Count => _offers.Count;

    /// <summary>An offer already made for the same image, geometry, mode and owner (a repeated REQUEST gets the same one).</summary>
    public PendingOffer? FindSame(ulong imageId, ushort fragmentSize, DeliveryMode mode, UnicastOwner? owner, TimeSpan now)
    {
        foreach (var offer in _offers.Values)
        {
            if (offer.ImageId == imageId && offer.Geometry.FragmentSize == fragmentSize && offer.Mode == mode && offer.Owner == owner && now - offer.MadeAt < validity)
                return offer;
        }
        return null;
    }

    public PendingOffer Add(uint sessionId, CatalogImage image, ulong imageId, FragmentGeometry geometry, OfferedManifest manifest,
        DeliveryMode mode, UnicastOwner? owner, TimeSpan now)
    {
        if (owner is { } o)
        {
            while (_unicastPerAddress.TryGetValue(o.Address, out var atAddress) && atAddress.Count >= unicastPerAddress)
            {
                Remove(atAddress[0]);
                UnicastEvictions++;
            }
        }
        while (_offers.Count >= capacity && _order.TryDequeue(out uint oldest)) Remove(oldest);
        DropTakenFromOrder();
        var offer = new PendingOffer(sessionId, image, imageId, geometry, manifest, mode, owner, now);
        _offers[sessionId] = offer;
        _order.Enqueue(sessionId);
        if (owner is { } owned)
        {
            if (!_unicastPerAddress.TryGetValue(owned.Address, out var list)) _unicastPerAddress[owned.Address] = list = new List<uint>();
            list.Add(sessionId);
        }
        return offer;
    }

    public bool Contains(uint sessionId) => _offers.ContainsKey(sessionId);

    /// <summary>Pending unicast offers whose machine is at <paramref name="address"/>.</summary>
    public int UnicastOffersAt(IPAddress address) => _unicastPerAddress.TryGetValue(address, out var list) ? list.Count : 0;

    /// <summary>Entries in the eviction queue, taken offers included until they are dropped (bounded by twice the capacity).</summary>
    public int QueuedIds => _order.Count;

    // A taken offer leaves its id in the queue until it reaches the front; under a flood of REQUEST and
    // ACCEPT pairs that would grow the queue without bound, so it is rebuilt once it is twice the table.
    private void DropTakenFromOrder()
    {
        if (_order.Count < 2 * capacity) return;
        for (int n = _order.Count; n > 0; n--)
        {
            uint id = _order.Dequeue();
            if (_offers.ContainsKey(id)) _order.Enqueue(id);
        }
    }

    /// <summary>
    /// Takes the offer for <paramref name="sessionId"/> if it is still valid, for <paramref name="imageId"/>, and
    /// (for a unicast offer) accepted by the machine at the address it was made to.
    /// </summary>
    public PendingOffer? Take(uint sessionId, ulong imageId, ulong clientId, IPAddress address, TimeSpan now)
    {
        if (!_offers.TryGetValue(sessionId, out var offer) || offer.ImageId != imageId || now - offer.MadeAt >= validity
            || (offer.Owner is { } owner && (owner.ClientId != clientId || !owner.Address.Equals(address)))) return null;
        Remove(sessionId);
        return offer;
    }

    /// <summary>Forgets expired offers (their queue entries fall out as they reach the front).</summary>
    public void Expire(TimeSpan now)
    {
        while (_order.TryPeek(out uint oldest))
        {
            if (_offers.TryGetValue(oldest, out var offer) && now - offer.MadeAt < validity) break;
            _order.Dequeue();
            if (offer is not null && now - offer.MadeAt >= validity) Remove(oldest);
        }
    }

    private void Remove(uint sessionId)
    {
        if (!_offers.Remove(sessionId, out var offer) || offer.Owner is not { } owner) return;
        if (!_unicastPerAddress.TryGetValue(owner.Address, out var list)) return;
        list.Remove(sessionId);
        if (list.Count == 0) _unicastPerAddress.Remove(owner.Address);
    }

    /// <summary>One outstanding offer.</summary>
    public sealed record PendingOffer(uint SessionId, CatalogImage Image, ulong ImageId, FragmentGeometry Geometry, OfferedManifest Manifest,
        DeliveryMode Mode, UnicastOwner? Owner, TimeSpan MadeAt);
}
