using System.Diagnostics;
using System.IO;

namespace UefiRecovery.Manager.Tests.Fixtures;

/// <summary>Files that are not regular files, made for real: a FIFO (mkfifo), a symlink to a device, a sparse giant.</summary>
public static class SpecialFiles
{
    public static string Fifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", new[] { path })!;
        mkfifo.WaitForExit();
        if (mkfifo.ExitCode != 0 || !File.Exists(path)) throw new IOException("mkfifo " + path + " failed");
        return path;
    }

    public static string SymlinkTo(string path, string target)
    {
        File.CreateSymbolicLink(path, target);
        return path;
    }

    /// <summary>A regular file that claims <paramref name="length"/> bytes without using the disk.</summary>
    public static string Sparse(string path, long length)
    {
        using var stream = new FileStream(path, FileMode.CreateNew);
        stream.SetLength(length);
        return path;
    }
}
