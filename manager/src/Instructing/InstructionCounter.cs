using System;
using System.Globalization;
using System.IO;

namespace UefiRecovery.Manager.Instructing;

/// <summary>
/// The manager's instruction counter for one key (docs/protocol.md §4.11): the next value is the larger of the
/// stored one + 1 and the current Unix time in milliseconds, so it keeps increasing even when the file is lost
/// or a second manager host uses the same key (as long as the clocks do not run backwards by more than the
/// gap). Stored (temporary file, flush to disk, rename) before the instruction is sent.
/// </summary>
internal static class InstructionCounter
{
    public static bool TryTakeNext(string path, DateTimeOffset now, out ulong counter, out string error)
    {
        counter = 0;
        error = "";
        ulong stored = 0;
        try
        {
            if (File.Exists(path) && !ulong.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out stored))
            {
                error = path + " is not a counter (a decimal number); fix or remove it";
                return false;
            }
            counter = Math.Max(stored + 1, (ulong)Math.Max(1, now.ToUnixTimeMilliseconds()));
            string temporary = path + ".tmp";
            using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                file.Write(System.Text.Encoding.ASCII.GetBytes(counter.ToString(CultureInfo.InvariantCulture) + "\n"));
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
            return true;
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            error = path + ": " + e.Message;
            return false;
        }
    }
}
