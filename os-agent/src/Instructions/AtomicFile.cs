using System;
using System.IO;

namespace UefiRecovery.Agent.Instructions;

/// <summary>
/// A file in the state directory replaced whole: a temporary file, fsync, rename over the old one, fsync of the
/// directory, so a crash leaves the old or the new content, never a torn one.
/// </summary>
internal static class AtomicFile
{
    public static bool TryWrite(string directory, string path, ReadOnlySpan<byte> content, out string error)
    {
        error = "";
        string temporary = path + ".tmp";
        try
        {
            Directory.CreateDirectory(directory);
            using (FileStream file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                file.Write(content);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
            if (!Libc.FsyncDirectory(directory))
            {
                error = "fsync of " + directory + " failed";
                return false;
            }
            return true;
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            error = path + ": " + e.Message;
            return false;
        }
    }
}
