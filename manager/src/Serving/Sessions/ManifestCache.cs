using System;
using System.Collections.Generic;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Manifest;
using UefiRecovery.Manager.Serving.Catalog;
using UefiRecovery.Manager.Serving.Pacing;

namespace UefiRecovery.Manager.Serving.Sessions;

/// <summary>
/// The fragment manifests (docs/protocol.md §5.4) the manager offers, one per (image, fragment size), built
/// once and kept while the image is in the catalog: building one hashes the whole image. Only the few sizes of
/// <see cref="FragmentSizes"/> are ever asked for, so this holds at most that many trees per catalog image and
/// never evicts one a REQUEST could ask for again; <see cref="Retain"/> drops the trees of images that left the
/// catalog. The configured size (and the default client's) is built ahead at load (<see cref="Warm"/>), outside
/// any budget; the other sizes are built on the first REQUEST that needs them, out of a hashing budget, so a burst
/// of such REQUESTs costs at most one build per size and image. Thread-safe: the engine reads, the catalog watcher
/// warms and retains.
/// </summary>
public sealed class ManifestCache(WorkBudget buildBudget)
{
    private readonly object _gate = new();
    private readonly Dictionary<(ulong ImageId, ushort FragmentSize), OfferedManifest> _entries = new();
    private long _builds;

    public int Count
    {
        get { lock (_gate) return _entries.Count; }
    }

    /// <summary>Trees built since start (for the status and the tests).</summary>
    public long Builds
    {
        get { lock (_gate) return _builds; }
    }

    /// <summary>
    /// The manifest of <paramref name="image"/> cut by <paramref name="geometry"/>: kept, or built now if the
    /// budget allows; null when it is not built yet and the budget is spent (the REQUEST goes unanswered).
    /// </summary>
    public OfferedManifest? GetOrBuild(CatalogImage image, ulong imageId, FragmentGeometry geometry, TimeSpan now)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue((imageId, geometry.FragmentSize), out OfferedManifest? kept)) return kept;
        }
        if (!buildBudget.TrySpend(image.Bytes.Length, now)) return null;
        return Build(image, imageId, geometry);
    }

    /// <summary>Builds (outside any budget) the manifests of every image at <paramref name="fragmentSize"/>.</summary>
    public void Warm(IEnumerable<CatalogImage> images, ushort fragmentSize)
    {
        foreach (var image in images)
        {
            if (image.Bytes.LongLength > uint.MaxValue) continue;
            uint size = (uint)image.Bytes.Length;
            if (!FragmentGeometry.TryCreate(size, fragmentSize, FragmentGeometry.CountFor(size, fragmentSize), out FragmentGeometry geometry)) continue;
            ulong imageId = DonorIdentity.ImageIdFor(image.Sha256);
            lock (_gate)
            {
                if (_entries.ContainsKey((imageId, fragmentSize))) continue;
            }
            Build(image, imageId, geometry);
        }
    }

    /// <summary>
    /// Forgets the trees of images not in <paramref name="catalog"/> (after a reload). Sessions and pending offers
    /// keep their own reference to the tree they announced, so they are not affected.
    /// </summary>
    public void Retain(IEnumerable<CatalogImage> catalog)
    {
        var keep = new HashSet<ulong>();
        foreach (var image in catalog) keep.Add(DonorIdentity.ImageIdFor(image.Sha256));
        lock (_gate)
        {
            var gone = new List<(ulong, ushort)>();
            foreach (var key in _entries.Keys) if (!keep.Contains(key.ImageId)) gone.Add(key);
            foreach (var key in gone) _entries.Remove(key);
        }
    }

    private OfferedManifest Build(CatalogImage image, ulong imageId, FragmentGeometry geometry)
    {
        byte shift = ManifestShape.ChooseGroupShift(geometry.FragmentCount, geometry.FragmentSize);
        ManifestTree tree = ManifestTree.Build(image.Bytes, geometry, imageId, shift, new HostManifestHash());
        lock (_gate)
        {
            _builds++;
            var key = (imageId, geometry.FragmentSize);
            if (_entries.TryGetValue(key, out OfferedManifest? raced)) return raced;
            var manifest = new OfferedManifest(tree, shift);
            _entries[key] = manifest;
            return manifest;
        }
    }
}

/// <summary>A manifest tree and the group shift the OFFER announces for it (the largest whose MANIFEST fits a DATA, §7.2 rule 4).</summary>
public sealed record OfferedManifest(ManifestTree Tree, byte GroupShift)
{
    public Core.Protocol.Hash128 Root => Tree.Root;
}
