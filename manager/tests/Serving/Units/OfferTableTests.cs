using System;
using System.Net;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Manifest;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Manager.Serving.Catalog;
using UefiRecovery.Manager.Serving.Sessions;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

public sealed class OfferTableTests
{
    private static readonly CatalogImage Image = new("fw.cap", "/x", new byte[4000], new byte[32], Guid.Empty, 1, 0, DateTime.UnixEpoch);
    private static readonly IPAddress Here = IPAddress.Parse("10.0.0.1");
    private static readonly IPAddress There = IPAddress.Parse("10.0.0.2");

    private static FragmentGeometry Geometry()
    {
        FragmentGeometry.TryCreate(4000, 1432, 3, out var g);
        return g;
    }

    private static readonly OfferedManifest Manifest = new(ManifestTree.Build(Image.Bytes, Geometry(), 9, 8, new HostManifestHash()), 8);

    private static void Add(OfferTable table, uint session, DeliveryMode mode, UnicastOwner? owner, TimeSpan now) =>
        table.Add(session, Image, 9, Geometry(), Manifest, mode, owner, now);

    [Fact]
    public void Add_BeyondCapacity_EvictsOldestNeverRefuses()
    {
        var table = new OfferTable(2, TimeSpan.FromSeconds(30));
        Add(table, 1, DeliveryMode.Broadcast, null, TimeSpan.Zero);
        Add(table, 2, DeliveryMode.Broadcast, null, TimeSpan.Zero);
        Add(table, 3, DeliveryMode.Broadcast, null, TimeSpan.Zero);
        Assert.Equal(2, table.Count);
        Assert.False(table.Contains(1));
        Assert.True(table.Contains(3));
    }

    [Fact]
    public void Take_UnicastOfferAcceptedByAnotherClientOrFromAnotherAddress_ReturnsNull()
    {
        var table = new OfferTable(8, TimeSpan.FromSeconds(30));
        Add(table, 7, DeliveryMode.Unicast, new UnicastOwner(0x020000000001, Here), TimeSpan.Zero);
        Assert.Null(table.Take(7, 9, 0x020000000002, Here, TimeSpan.FromSeconds(1)));
        Assert.Null(table.Take(7, 9, 0x020000000001, There, TimeSpan.FromSeconds(1)));
        Assert.NotNull(table.Take(7, 9, 0x020000000001, Here, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Take_AfterValidity_ReturnsNull()
    {
        var table = new OfferTable(8, TimeSpan.FromSeconds(10));
        Add(table, 7, DeliveryMode.Broadcast, null, TimeSpan.Zero);
        Assert.Null(table.Take(7, 9, 1, Here, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void Take_WrongImageId_ReturnsNull()
    {
        var table = new OfferTable(8, TimeSpan.FromSeconds(10));
        Add(table, 7, DeliveryMode.Broadcast, null, TimeSpan.Zero);
        Assert.Null(table.Take(7, 10, 1, Here, TimeSpan.Zero));
    }

    [Fact]
    public void UnicastOffersAt_AddTakeExpireEvict_CountsFollowEveryRemoval()
    {
        var table = new OfferTable(3, TimeSpan.FromSeconds(10));
        Add(table, 1, DeliveryMode.Unicast, new UnicastOwner(1, Here), TimeSpan.Zero);
        Add(table, 2, DeliveryMode.Unicast, new UnicastOwner(2, Here), TimeSpan.FromSeconds(5));
        Add(table, 3, DeliveryMode.Unicast, new UnicastOwner(3, There), TimeSpan.FromSeconds(5));
        Assert.Equal(2, table.UnicastOffersAt(Here));
        Assert.NotNull(table.Take(2, 9, 2, Here, TimeSpan.FromSeconds(6)));
        Assert.Equal(1, table.UnicastOffersAt(Here));
        table.Expire(TimeSpan.FromSeconds(11)); // offer 1 (made at 0) is past its validity
        Assert.Equal(0, table.UnicastOffersAt(Here));
        Add(table, 4, DeliveryMode.Broadcast, null, TimeSpan.FromSeconds(11));
        Add(table, 5, DeliveryMode.Broadcast, null, TimeSpan.FromSeconds(11));
        Add(table, 6, DeliveryMode.Broadcast, null, TimeSpan.FromSeconds(11)); // evicts offer 3
        Assert.Equal(0, table.UnicastOffersAt(There));
    }

    [Fact]
    public void AddAndTake_ManyAcceptedOffers_EvictionQueueStaysBounded()
    {
        // Each taken offer leaves its id in the eviction queue; a REQUEST/ACCEPT flood must not grow it.
        var table = new OfferTable(64, TimeSpan.FromSeconds(30));
        for (uint id = 1; id <= 100_000; id++)
        {
            // Each from its own address: the per-address unicast limit is not what this test is about.
            var address = new System.Net.IPAddress(id);
            Add(table, id, DeliveryMode.Unicast, new UnicastOwner(id, address), TimeSpan.Zero);
            if (id % 2 == 0) Assert.NotNull(table.Take(id, 9, id, address, TimeSpan.Zero));
        }
        Assert.True(table.QueuedIds <= 2 * 64, table.QueuedIds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(table.Count <= 64);
        Assert.True(table.Contains(99_999));
    }

    [Fact]
    public void Add_UnicastOffersBeyondThePerAddressCap_OldestAtThatAddressEvictedOthersKept()
    {
        // Red team F4: a spoofer's REQUESTs from a machine's address must not keep that address "full"; each new
        // offer there pushes out the oldest one there, never another address's, and is never refused.
        var table = new OfferTable(64, TimeSpan.FromSeconds(30), unicastPerAddress: 3);
        Add(table, 100, DeliveryMode.Unicast, new UnicastOwner(100, There), TimeSpan.Zero);
        for (uint id = 1; id <= 5; id++) Add(table, id, DeliveryMode.Unicast, new UnicastOwner(id, Here), TimeSpan.FromSeconds(id));
        Assert.Equal(3, table.UnicastOffersAt(Here));
        Assert.False(table.Contains(1));
        Assert.False(table.Contains(2));
        Assert.True(table.Contains(3) && table.Contains(4) && table.Contains(5));
        Assert.True(table.Contains(100));
        Assert.Equal(1, table.UnicastOffersAt(There));
        Assert.Equal(2, table.UnicastEvictions);
        // A taken offer frees its place at the address without an eviction.
        Assert.NotNull(table.Take(4, 9, 4, Here, TimeSpan.FromSeconds(6)));
        Add(table, 6, DeliveryMode.Unicast, new UnicastOwner(6, Here), TimeSpan.FromSeconds(6));
        Assert.True(table.Contains(3));
        Assert.Equal(2, table.UnicastEvictions);
    }
}
