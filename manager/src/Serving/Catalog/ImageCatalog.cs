using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using UefiRecovery.Manager.Files;

namespace UefiRecovery.Manager.Serving.Catalog;

/// <summary>
/// The folder of signed capsules the manager serves. Every file is verified at load; bad ones are
/// reported and not offered. A reload builds a new snapshot and swaps it in whole, so a session that
/// is running keeps the bytes it started with even if the file changes under it. Whatever is in the
/// folder (a symlink to /dev/zero, a FIFO, a huge or vanishing file) is a rejection with a reason, never
/// a crash: a reload runs while sessions are live, and losing the process would lose them all.
/// </summary>
public sealed class ImageCatalog : IDisposable
{
    private readonly string _folder;
    private readonly ICatalogVerifier _verifier;
    private readonly long _maxImageBytes;
    private readonly object _reloadGate = new();
    private FileSystemWatcher? _watcher;
    private Timer? _debounce;
    private Snapshot _current = new(Array.Empty<CatalogImage>(), Array.Empty<CatalogRejection>(), 0);

    /// <param name="maxImageBytes">Capsules larger than this are refused unread (--max-image-size): the manager holds each offered capsule in memory.</param>
    public ImageCatalog(string folder, ICatalogVerifier verifier, long maxImageBytes = Images.ImageLimits.DefaultMaxImageBytes)
    {
        _folder = Path.GetFullPath(folder);
        _verifier = verifier;
        _maxImageBytes = maxImageBytes;
    }

    /// <summary>
    /// A catalog of images already in memory and verified by the caller (the fleet model's synthetic image): no
    /// folder, not watched, never reloaded.
    /// </summary>
    public static ImageCatalog InMemory(IReadOnlyList<CatalogImage> images)
    {
        var catalog = new ImageCatalog(Path.GetTempPath(), new InMemoryOnly());
        catalog._current = new Snapshot(images, Array.Empty<CatalogRejection>(), 1);
        return catalog;
    }

    // The verifier of an in-memory catalog: it has no files to check.
    private sealed class InMemoryOnly : ICatalogVerifier
    {
        public CatalogVerdict Verify(string fileName, byte[] capsule) => throw new InvalidOperationException("an in-memory catalog is not reloaded");
    }

    /// <summary>Raised after every reload, with the new snapshot.</summary>
    public event Action<Snapshot>? Reloaded;

    /// <summary>Raised when a reload the watcher started failed as a whole; the previous snapshot stays.</summary>
    public event Action<Exception>? ReloadFailed;

    public Snapshot Current => Volatile.Read(ref _current);

    public string Folder => _folder;

    public Snapshot Reload()
    {
        lock (_reloadGate)
        {
            var images = new List<CatalogImage>();
            var rejected = new List<CatalogRejection>();
            if (!Directory.Exists(_folder))
            {
                rejected.Add(new CatalogRejection(_folder, "folder does not exist"));
            }
            else if (TryList(rejected) is { } files)
            {
                foreach (string path in files)
                {
                    string name = Path.GetFileName(path);
                    if (name.StartsWith('.')) continue;
                    LoadOne(path, name, images, rejected);
                }
            }
            var snapshot = new Snapshot(images, rejected, _current.Generation + 1);
            Volatile.Write(ref _current, snapshot);
            Reloaded?.Invoke(snapshot);
            return snapshot;
        }
    }

    /// <summary>Reloads (debounced) whenever a file in the folder is created, changed, renamed or deleted.</summary>
    public void Watch()
    {
        if (_watcher is not null || !Directory.Exists(_folder)) return;
        _debounce = new Timer(_ => ReloadFromWatcher());
        _watcher = new FileSystemWatcher(_folder) { IncludeSubdirectories = false, NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size };
        FileSystemEventHandler changed = (_, _) => _debounce.Change(TimeSpan.FromMilliseconds(300), Timeout.InfiniteTimeSpan);
        _watcher.Created += changed;
        _watcher.Changed += changed;
        _watcher.Deleted += changed;
        _watcher.Renamed += (_, _) => _debounce.Change(TimeSpan.FromMilliseconds(300), Timeout.InfiniteTimeSpan);
        _watcher.EnableRaisingEvents = true;
    }

    // A timer thread: an exception escaping here would end the process.
    private void ReloadFromWatcher()
    {
        try
        {
            Reload();
        }
        catch (Exception e)
        {
            ReloadFailed?.Invoke(e);
        }
    }

    private string[]? TryList(List<CatalogRejection> rejected)
    {
        try
        {
            var files = Directory.GetFiles(_folder);
            Array.Sort(files, StringComparer.Ordinal);
            return files;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            rejected.Add(new CatalogRejection(_folder, "cannot list the folder: " + e.Message));
            return null;
        }
    }

    private void LoadOne(string path, string name, List<CatalogImage> images, List<CatalogRejection> rejected)
    {
        if (!RegularFile.TryRead(path, _maxImageBytes, out byte[] bytes, out string error, "--max-image-size"))
        {
            rejected.Add(new CatalogRejection(name, error));
            return;
        }
        if (bytes.Length == 0) { rejected.Add(new CatalogRejection(name, "empty file")); return; }
        DateTime written;
        try { written = File.GetLastWriteTimeUtc(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { written = DateTime.MinValue; }
        CatalogVerdict verdict;
        try
        {
            verdict = _verifier.Verify(name, bytes);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The portable verifier returns statuses; an exception is a bug, and it must not take the catalog down.
            rejected.Add(new CatalogRejection(name, "verifier failed: " + e.GetType().Name + ": " + e.Message));
            return;
        }
        if (!verdict.Accepted)
        {
            rejected.Add(new CatalogRejection(name, verdict.Reason));
            return;
        }
        images.Add(new CatalogImage(name, path, bytes, SHA256.HashData(bytes), verdict.ImageTypeId, verdict.Version, verdict.LowestSupportedVersion, written));
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _debounce?.Dispose();
    }

    /// <summary>The catalog at one moment: what is offered, what was refused, and a generation counter.</summary>
    public sealed record Snapshot(IReadOnlyList<CatalogImage> Images, IReadOnlyList<CatalogRejection> Rejected, long Generation);
}
