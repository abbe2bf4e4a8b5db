using System;
using System.Globalization;
using System.IO;

namespace UefiRecovery.Agent.Instructions;

/// <summary>
/// The highest instruction counter taken per key, one file per key (<c>counter-&lt;key id&gt;</c>, decimal) in
/// the state directory. Written atomically before the agent acts: a temporary file, fsync, rename over the old
/// one, fsync of the directory, so a crash leaves the old or the new value, never a torn one, and a replay
/// after a crash that followed the action is still refused.
/// </summary>
internal sealed class CounterStore
{
    private readonly string _directory;

    public CounterStore(string directory)
    {
        _directory = directory;
    }

    public string PathFor(string keyId) => Path.Combine(_directory, "counter-" + keyId);

    /// <summary>The stored counter (0 when none was ever taken). False when the file exists but is unreadable or corrupt: then nothing is taken.</summary>
    public bool TryGet(string keyId, out ulong counter, out string error)
    {
        counter = 0;
        error = "";
        string path = PathFor(keyId);
        if (!File.Exists(path))
        {
            return true;
        }
        try
        {
            string text = File.ReadAllText(path).Trim();
            if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out counter))
            {
                return true;
            }
            error = path + " is corrupt (\"" + (text.Length > 40 ? text.Substring(0, 40) : text) + "\"); remove it only if no older instruction may be replayed";
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            error = path + ": " + e.Message;
        }
        return false;
    }

    public bool TrySet(string keyId, ulong counter, out string error)
    {
        error = "";
        string path = PathFor(keyId);
        string temporary = path + ".tmp";
        try
        {
            Directory.CreateDirectory(_directory);
            using (FileStream file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                byte[] bytes = System.Text.Encoding.ASCII.GetBytes(counter.ToString(CultureInfo.InvariantCulture) + "\n");
                file.Write(bytes);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
            if (!Libc.FsyncDirectory(_directory))
            {
                error = "fsync of " + _directory + " failed";
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
