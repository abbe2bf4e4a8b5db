using System;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Manifest;
using UefiRecovery.Manager.Serving.Catalog;
using UefiRecovery.Manager.Serving.Pacing;
using UefiRecovery.Manager.Serving.Sessions;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

/// <summary>The manager's fragment manifests (docs/protocol.md §5.4): built once per (image, fragment size), bounded, budgeted.</summary>
public sealed class ManifestCacheTests
{
    private static CatalogImage Image(int seed)
    {
        var bytes = new byte[100_000];
        new Random(seed).NextBytes(bytes);
        return new CatalogImage("fw" + seed + ".cap", "/x", bytes, System.Security.Cryptography.SHA256.HashData(bytes), Guid.Empty, 1, 0, DateTime.UnixEpoch);
    }

    private static FragmentGeometry Geometry(ushort fragmentSize) =>
        FragmentGeometry.TryCreate(100_000, fragmentSize, FragmentGeometry.CountFor(100_000, fragmentSize), out var g) ? g : throw new InvalidOperationException();

    [Fact]
    public void GetOrBuild_SameImageAndSize_BuiltOnceWithTheRuleShiftAndTheSameRoot()
    {
        var cache = new ManifestCache(4, new WorkBudget(1e9, 1e9));
        CatalogImage image = Image(1);
        ulong id = DonorIdentity.ImageIdFor(image.Sha256);
        OfferedManifest first = cache.GetOrBuild(image, id, Geometry(1432), TimeSpan.Zero)!;
        OfferedManifest again = cache.GetOrBuild(image, id, Geometry(1432), TimeSpan.Zero)!;
        Assert.Same(first, again);
        Assert.Equal(1, cache.Builds);
        Assert.Equal(ManifestShape.ChooseGroupShift(Geometry(1432).FragmentCount, 1432), first.GroupShift);
        // The root is the manifest's, recomputed here with the portable hash.
        Assert.Equal(ManifestTree.Build(image.Bytes, Geometry(1432), id, first.GroupShift, new PortableManifestHash()).Root, first.Root);
    }

    [Fact]
    public void GetOrBuild_NewSizesWhileBudgetSpent_NullUntilItRefills()
    {
        // 150,000 bytes of hashing per second, at most 150,000 banked: one 100,000-byte image at a time.
        var cache = new ManifestCache(16, new WorkBudget(150_000, 150_000));
        CatalogImage image = Image(2);
        ulong id = DonorIdentity.ImageIdFor(image.Sha256);
        TimeSpan t = TimeSpan.FromSeconds(10);
        Assert.NotNull(cache.GetOrBuild(image, id, Geometry(1400), t));
        Assert.Null(cache.GetOrBuild(image, id, Geometry(1300), t));
        Assert.NotNull(cache.GetOrBuild(image, id, Geometry(1400), t)); // cached: free
        Assert.NotNull(cache.GetOrBuild(image, id, Geometry(1300), t + TimeSpan.FromSeconds(1)));
        Assert.Equal(2, cache.Builds);
    }

    [Fact]
    public void Warm_ThenCapacityExceeded_LeastRecentlyUsedEvicted()
    {
        var cache = new ManifestCache(2, new WorkBudget(1e9, 1e9));
        CatalogImage a = Image(3), b = Image(4), c = Image(5);
        cache.Warm(new[] { a, b }, 1432);
        Assert.Equal(2, cache.Count);
        cache.GetOrBuild(a, DonorIdentity.ImageIdFor(a.Sha256), Geometry(1432), TimeSpan.Zero); // a is fresh, b the oldest
        cache.Warm(new[] { c }, 1432);
        Assert.Equal(2, cache.Count);
        long builds = cache.Builds;
        cache.GetOrBuild(a, DonorIdentity.ImageIdFor(a.Sha256), Geometry(1432), TimeSpan.Zero);
        Assert.Equal(builds, cache.Builds);
        cache.GetOrBuild(b, DonorIdentity.ImageIdFor(b.Sha256), Geometry(1432), TimeSpan.Zero);
        Assert.Equal(builds + 1, cache.Builds);
    }
}
