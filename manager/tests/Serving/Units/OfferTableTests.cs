using System;
using System.Net;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Manager.Serving.Catalog;
using UefiRecovery.Manager.Serving.Sessions;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

public sealed class OfferTableTests
{
    private static readonly CatalogImage Image = new("fw.cap", "/x", new byte[4000], new byte[32], Guid.Empty, 1, 0, DateTime.UnixEpoch);

    private static FragmentGeometry Geometry()
    {
        FragmentGeometry.TryCreate(4000, 1432, 3, out var g);
        return g;
    }

    [Fact]
    public void Add_BeyondCapacity_EvictsOldestNeverRefuses()
    {
        var table = new OfferTable(2, TimeSpan.FromSeconds(30));
        table.Add(1, Image, 9, Geometry(), DeliveryMode.Broadcast, 0, TimeSpan.Zero);
        table.Add(2, Image, 9, Geometry(), DeliveryMode.Broadcast, 0, TimeSpan.Zero);
        table.Add(3, Image, 9, Geometry(), DeliveryMode.Broadcast, 0, TimeSpan.Zero);
        Assert.Equal(2, table.Count);
        Assert.False(table.Contains(1));
        Assert.True(table.Contains(3));
    }

    [Fact]
    public void Take_UnicastOfferAcceptedByAnotherClient_ReturnsNull()
    {
        var table = new OfferTable(8, TimeSpan.FromSeconds(30));
        table.Add(7, Image, 9, Geometry(), DeliveryMode.Unicast, owner: 0x020000000001, TimeSpan.Zero);
        Assert.Null(table.Take(7, 9, 0x020000000002, TimeSpan.FromSeconds(1)));
        Assert.NotNull(table.Take(7, 9, 0x020000000001, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Take_AfterValidity_ReturnsNull()
    {
        var table = new OfferTable(8, TimeSpan.FromSeconds(10));
        table.Add(7, Image, 9, Geometry(), DeliveryMode.Broadcast, 0, TimeSpan.Zero);
        Assert.Null(table.Take(7, 9, 1, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void Take_WrongImageId_ReturnsNull()
    {
        var table = new OfferTable(8, TimeSpan.FromSeconds(10));
        table.Add(7, Image, 9, Geometry(), DeliveryMode.Broadcast, 0, TimeSpan.Zero);
        Assert.Null(table.Take(7, 10, 1, TimeSpan.Zero));
    }

    [Fact]
    public void AddAndTake_ManyAcceptedOffers_EvictionQueueStaysBounded()
    {
        // Each taken offer leaves its id in the eviction queue; a REQUEST/ACCEPT flood must not grow it.
        var table = new OfferTable(64, TimeSpan.FromSeconds(30));
        for (uint id = 1; id <= 100_000; id++)
        {
            table.Add(id, Image, 9, Geometry(), DeliveryMode.Unicast, owner: id, TimeSpan.Zero);
            if (id % 2 == 0) Assert.NotNull(table.Take(id, 9, id, TimeSpan.Zero));
        }
        Assert.True(table.QueuedIds <= 2 * 64, table.QueuedIds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(table.Count <= 64);
        Assert.True(table.Contains(99_999));
    }
}
