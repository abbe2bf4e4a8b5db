using System.Collections.Generic;
using System.IO;

namespace UefiRecovery.Fuzz.Afl;

/// <summary>The figures of afl-fuzz's fuzzer_stats file that a run reports.</summary>
public sealed class AflStats
{
    private readonly Dictionary<string, string> _values = new Dictionary<string, string>();

    public static AflStats Read(string path)
    {
        var stats = new AflStats();
        if (!File.Exists(path)) return stats;
        foreach (string line in File.ReadAllLines(path))
        {
            int colon = line.IndexOf(':');
            if (colon > 0) stats._values[line.Substring(0, colon).Trim()] = line.Substring(colon + 1).Trim();
        }
        return stats;
    }

    public bool Exists => _values.Count > 0;

    public string Get(string key) => _values.TryGetValue(key, out string? value) ? value : "?";

    /// <summary>One line: time, executions, speed, corpus, coverage (edges and map share), findings.</summary>
    public string Summary() =>
        "run_time=" + Get("run_time") + "s execs=" + Get("execs_done") + " execs/s=" + Get("execs_per_sec")
        + " corpus=" + Get("corpus_count") + " edges=" + Get("edges_found") + " bitmap=" + Get("bitmap_cvg")
        + " stability=" + Get("stability") + " crashes=" + Get("saved_crashes") + " hangs=" + Get("saved_hangs");
}
