using System;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Manifest;
using UefiRecovery.Manager.Serving.Catalog;
using UefiRecovery.Manager.Serving.Pacing;
using UefiRecovery.Manager.Serving.Sessions;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

/// <summary>The manager's fragment manifests (docs/protocol.md §5.4): built once per (image, fragment size), kept while the image is in the catalog, budgeted.</summary>
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
        var cache = new ManifestCache(new WorkBudget(1e9, 1e9));
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
        var cache = new ManifestCache(new WorkBudget(150_000, 150_000));
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
    public void GetOrBuild_EveryOfferedSizeOfEveryCatalogImage_NothingEvictedAndNothingBuiltTwice()
    {
        // The old cache was least-recently-used with 16 entries: 16 odd sizes pushed out the warmed one (red team F5).
        var cache = new ManifestCache(new WorkBudget(1e9, 1e9));
        CatalogImage[] images = { Image(3), Image(4), Image(5), Image(6) };
        var sizes = FragmentSizes.Offered(8932);
        cache.Warm(images, 1432);
        foreach (var image in images)
            foreach (ushort size in sizes)
                cache.GetOrBuild(image, DonorIdentity.ImageIdFor(image.Sha256), Geometry(size), TimeSpan.Zero);
        long builds = cache.Builds;
        Assert.Equal(images.Length * sizes.Count, cache.Count);
        foreach (var image in images)
            foreach (ushort size in sizes)
                Assert.NotNull(cache.GetOrBuild(image, DonorIdentity.ImageIdFor(image.Sha256), Geometry(size), TimeSpan.Zero));
        Assert.Equal(builds, cache.Builds);
    }

    [Fact]
    public void Retain_ImageLeftTheCatalog_OnlyItsTreesDropped()
    {
        var cache = new ManifestCache(new WorkBudget(1e9, 1e9));
        CatalogImage kept = Image(7), gone = Image(8);
        cache.Warm(new[] { kept, gone }, 1432);
        cache.Warm(new[] { kept, gone }, 508);
        Assert.Equal(4, cache.Count);
        cache.Retain(new[] { kept });
        Assert.Equal(2, cache.Count);
        long builds = cache.Builds;
        cache.GetOrBuild(kept, DonorIdentity.ImageIdFor(kept.Sha256), Geometry(508), TimeSpan.Zero);
        Assert.Equal(builds, cache.Builds);
        cache.GetOrBuild(gone, DonorIdentity.ImageIdFor(gone.Sha256), Geometry(508), TimeSpan.Zero);
        Assert.Equal(builds + 1, cache.Builds);
    }
}
