using System;
using System.Collections.Generic;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Manifest;
using UefiRecovery.Manager.Serving.Catalog;
using UefiRecovery.Manager.Serving.Pacing;

namespace UefiRecovery.Manager.Serving.Sessions;

/// <summary>
/// The fragment manifests (docs/protocol.md §5.4) the manager offers, one per (image, fragment size), built
/// once and kept: building one hashes the whole image. Bounded (least recently used out), and new builds
/// asked for by REQUESTs come out of a hashing budget, so a flood of REQUESTs with ever new max datagram sizes
/// cannot keep the engine hashing; the configured fragment size is built ahead for every image at load
/// (<see cref="Warm"/>), outside the budget. Thread-safe: the engine reads, the catalog watcher warms.
/// </summary>
public sealed class ManifestCache(int capacity, WorkBudget buildBudget)
{
    private readonly object _gate = new();
    private readonly Dictionary<(ulong ImageId, ushort FragmentSize), Entry> _entries = new();
    private long _clock;

    public int Count
    {
        get { lock (_gate) return _entries.Count; }
    }

    /// <summary>Trees built since start (for the status and the tests).</summary>
    public long Builds { get; private set; }

    /// <summary>
    /// The manifest of <paramref name="image"/> cut by <paramref name="geometry"/>: cached, or built now if
    /// the budget allows; null when it is not cached and the budget is spent (the REQUEST goes unanswered).
    /// </summary>
    public OfferedManifest? GetOrBuild(CatalogImage image, ulong imageId, FragmentGeometry geometry, TimeSpan now)
    {
        lock (_gate)
        {
            if (TryTouch(imageId, geometry.FragmentSize, out OfferedManifest? cached)) return cached;
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
                if (TryTouch(imageId, fragmentSize, out _)) continue;
            }
            Build(image, imageId, geometry);
        }
    }

    private OfferedManifest Build(CatalogImage image, ulong imageId, FragmentGeometry geometry)
    {
        byte shift = ManifestShape.ChooseGroupShift(geometry.FragmentCount, geometry.FragmentSize);
        ManifestTree tree = ManifestTree.Build(image.Bytes, geometry, imageId, shift, new HostManifestHash());
        lock (_gate)
        {
            Builds++;
            var key = (imageId, geometry.FragmentSize);
            if (_entries.TryGetValue(key, out Entry? raced)) return raced.Manifest;
            while (_entries.Count >= capacity) EvictLeastRecentlyUsed();
            var manifest = new OfferedManifest(tree, shift);
            _entries[key] = new Entry(manifest) { LastUsed = ++_clock };
            return manifest;
        }
    }

    private bool TryTouch(ulong imageId, ushort fragmentSize, out OfferedManifest? manifest)
    {
        if (_entries.TryGetValue((imageId, fragmentSize), out Entry? entry))
        {
            entry.LastUsed = ++_clock;
            manifest = entry.Manifest;
            return true;
        }
        manifest = null;
        return false;
    }

    private void EvictLeastRecentlyUsed()
    {
        (ulong, ushort)? oldest = null;
        long oldestUse = long.MaxValue;
        foreach (var (key, entry) in _entries)
            if (entry.LastUsed < oldestUse) { oldestUse = entry.LastUsed; oldest = key; }
        if (oldest is { } key1) _entries.Remove(key1);
    }

    private sealed class Entry(OfferedManifest manifest)
    {
        public OfferedManifest Manifest { get; } = manifest;
        public long LastUsed { get; set; }
    }
}

/// <summary>A manifest tree and the group shift the OFFER announces for it (the largest whose MANIFEST fits a DATA, §7.2 rule 4).</summary>
public sealed record OfferedManifest(ManifestTree Tree, byte GroupShift)
{
    public Core.Protocol.Hash128 Root => Tree.Root;
}
