using System;
using System.Globalization;
using System.IO;

namespace UefiRecovery.Agent.Instructions;

/// <summary>
/// The highest instruction counter taken per key, one file per key (<c>counter-&lt;key id&gt;</c>, decimal) in
/// the state directory. Written atomically (<see cref="AtomicFile"/>) before the agent acts, so a replay after a
/// crash that followed the action is still refused.
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

    public bool TrySet(string keyId, ulong counter, out string error) =>
        AtomicFile.TryWrite(_directory, PathFor(keyId), System.Text.Encoding.ASCII.GetBytes(counter.ToString(CultureInfo.InvariantCulture) + "\n"), out error);
}
