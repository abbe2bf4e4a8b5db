using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;

namespace UefiRecovery.Testbed.Qemu;

/// <summary>Reads strace's log of a <see cref="FlashWriteTracing"/> run: the vars-file writes in order.</summary>
public static class FlashWriteTrace
{
    // "1234 1765038123.456789 pwrite64(11, ""..., 512, 3584) = 512"; a cut call ends "= ?" (killed) and may be
    // split by strace into "... <unfinished ...>" and "<... pwrite64 resumed>) = ?".
    private static readonly Regex Call = new(@"^(?<thread>\d+)\s+(?:(?<time>\d+\.\d+) )?pwrite64\(\d+, "".*?""(?:\.\.\.)?, (?<length>\d+), (?<offset>\d+)(?<rest>.*)$");

    private static readonly Regex Resumed = new(@"^(?<thread>\d+)\s+.*<\.\.\. pwrite64 resumed>.*=\s*(?<result>\S+)\s*$");

    public static IReadOnlyList<FlashWrite> Read(string tracePath)
    {
        var writes = new List<FlashWrite>();
        // A call strace split is resumed by the same thread; when the cut kills QEMU, two threads may both be inside one.
        var unfinished = new Dictionary<string, int>();
        foreach (string line in File.ReadLines(tracePath))
        {
            Match resumed = Resumed.Match(line);
            if (resumed.Success)
            {
                if (unfinished.Remove(resumed.Groups["thread"].Value, out int index))
                {
                    FlashWrite split = writes[index];
                    writes[index] = split with { Made = IsWhole(resumed.Groups["result"].Value, split.Length) };
                }
                continue;
            }
            Match match = Call.Match(line);
            if (!match.Success)
            {
                continue;
            }
            string rest = match.Groups["rest"].Value;
            int equals = rest.LastIndexOf('=');
            int length = int.Parse(match.Groups["length"].Value, CultureInfo.InvariantCulture);
            bool made = equals >= 0 && IsWhole(rest.Substring(equals + 1).Trim(), length);
            double seconds = match.Groups["time"].Success ? double.Parse(match.Groups["time"].Value, CultureInfo.InvariantCulture) : 0;
            writes.Add(new FlashWrite(long.Parse(match.Groups["offset"].Value, CultureInfo.InvariantCulture), length, made, seconds));
            if (rest.Contains("<unfinished", StringComparison.Ordinal))
                unfinished[match.Groups["thread"].Value] = writes.Count - 1;
        }
        return writes;
    }

    /// <summary>
    /// Where a cut landed: the index of the first write not made, provided no write after it was made; -1 otherwise. QEMU
    /// may have a second thread inside a pwrite64 when the cut kills it (seen in CI, same offset, never completed), so
    /// the cut write is not always the trace's last.
    /// </summary>
    public static int CutIndex(IReadOnlyList<FlashWrite> writes)
    {
        int first = -1;
        for (int i = 0; i < writes.Count; i++)
        {
            if (first < 0 && !writes[i].Made)
                first = i;
            else if (first >= 0 && writes[i].Made)
                return -1;
        }
        return first;
    }

    private static bool IsWhole(string result, int length) =>
        int.TryParse(result, NumberStyles.Integer, CultureInfo.InvariantCulture, out int written) && written == length;
}
