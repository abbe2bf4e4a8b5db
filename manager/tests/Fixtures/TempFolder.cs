using System;
using System.IO;

namespace UefiRecovery.Manager.Tests.Fixtures;

/// <summary>A fresh folder under the temp directory, deleted with everything in it on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder(string prefix = "mgr-test")
    {
        FullPath = Path.Combine(Path.GetTempPath(), prefix + "-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(FullPath);
    }

    public string FullPath { get; }

    public string Combine(string name) => Path.Combine(FullPath, name);

    public void Dispose()
    {
        try { Directory.Delete(FullPath, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
