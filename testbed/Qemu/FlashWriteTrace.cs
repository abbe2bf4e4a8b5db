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
    private static readonly Regex Call = new(@"^\d+\s+(?:(?<time>\d+\.\d+) )?pwrite64\(\d+, "".*?""(?:\.\.\.)?, (?<length>\d+), (?<offset>\d+)(?<rest>.*)$");

    private static readonly Regex Resumed = new(@"<\.\.\. pwrite64 resumed>.*=\s*(?<result>\S+)\s*$");

    public static IReadOnlyList<FlashWrite> Read(string tracePath)
    {
        var writes = new List<FlashWrite>();
        int unfinished = -1;
        foreach (string line in File.ReadLines(tracePath))
        {
            Match resumed = Resumed.Match(line);
            if (resumed.Success && unfinished >= 0)
            {
                FlashWrite split = writes[unfinished];
                writes[unfinished] = split with { Made = IsWhole(resumed.Groups["result"].Value, split.Length) };
                unfinished = -1;
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
            unfinished = rest.Contains("<unfinished", StringComparison.Ordinal) ? writes.Count - 1 : -1;
        }
        return writes;
    }

    private static bool IsWhole(string result, int length) =>
        int.TryParse(result, NumberStyles.Integer, CultureInfo.InvariantCulture, out int written) && written == length;
}
