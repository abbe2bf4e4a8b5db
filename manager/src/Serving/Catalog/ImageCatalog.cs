using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Threading;

namespace UefiRecovery.Manager.Serving.Catalog;

/// <summary>
/// The folder of signed capsules the manager serves. Every file is verified at load; bad ones are
/// reported and not offered. A reload builds a new snapshot and swaps it in whole, so a session that
/// is running keeps the bytes it started with even if the file changes under it.
/// </summary>
public sealed class ImageCatalog : IDisposable
{
    // Capsules bigger than this are refused at load: clients preallocate the image buffer, and a
    // runaway file must not exhaust the manager's memory either.
    public const long MaxImageBytes = 256L * 1024 * 1024;

    private readonly string _folder;
    private readonly ICapsuleVerifier _verifier;
    private readonly object _reloadGate = new();
    private FileSystemWatcher? _watcher;
    private Timer? _debounce;
    private Snapshot _current = new(Array.Empty<CatalogImage>(), Array.Empty<CatalogRejection>(), 0);

    public ImageCatalog(string folder, ICapsuleVerifier verifier)
    {
        _folder = Path.GetFullPath(folder);
        _verifier = verifier;
    }

    /// <summary>Raised after every reload, with the new snapshot.</summary>
    public event Action<Snapshot>? Reloaded;

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
            else
            {
                var files = Directory.GetFiles(_folder);
                Array.Sort(files, StringComparer.Ordinal);
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
        _debounce = new Timer(_ => Reload());
        _watcher = new FileSystemWatcher(_folder) { IncludeSubdirectories = false, NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size };
        FileSystemEventHandler changed = (_, _) => _debounce.Change(TimeSpan.FromMilliseconds(300), Timeout.InfiniteTimeSpan);
        _watcher.Created += changed;
        _watcher.Changed += changed;
        _watcher.Deleted += changed;
        _watcher.Renamed += (_, _) => _debounce.Change(TimeSpan.FromMilliseconds(300), Timeout.InfiniteTimeSpan);
        _watcher.EnableRaisingEvents = true;
    }

    private void LoadOne(string path, string name, List<CatalogImage> images, List<CatalogRejection> rejected)
    {
        byte[] bytes;
        DateTime written;
        try
        {
            var info = new FileInfo(path);
            if (info.Length > MaxImageBytes) { rejected.Add(new CatalogRejection(name, $"larger than {MaxImageBytes} bytes")); return; }
            if (info.Length == 0) { rejected.Add(new CatalogRejection(name, "empty file")); return; }
            written = info.LastWriteTimeUtc;
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            rejected.Add(new CatalogRejection(name, "unreadable: " + e.Message));
            return;
        }
        CapsuleVerdict verdict = _verifier.Verify(name, bytes);
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
