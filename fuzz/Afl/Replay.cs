using System;
using System.Diagnostics;
using System.Threading;
using UefiRecovery.Fuzz.Targets;

namespace UefiRecovery.Fuzz.Afl;

/// <summary>Runs one input through a target in this process (not instrumented) and says what happened.</summary>
public static class Replay
{
    public sealed class Outcome
    {
        public Exception? Exception { get; init; }
        public bool TimedOut { get; init; }
        public TimeSpan Elapsed { get; init; }
    }

    public static Outcome Run(FuzzTarget target, byte[] input, TimeSpan timeout)
    {
        Exception? caught = null;
        var stopwatch = Stopwatch.StartNew();
        // A background thread: a real hang must not keep the process alive after the report.
        var thread = new Thread(() =>
        {
            try { target.Run(input); }
            catch (Exception e) { caught = e; }
        }, 64 * 1024 * 1024) { IsBackground = true };
        thread.Start();
        bool finished = thread.Join(timeout);
        return new Outcome { Exception = caught, TimedOut = !finished, Elapsed = stopwatch.Elapsed };
    }

    /// <summary>Hex of the first <paramref name="max"/> bytes, 32 a line.</summary>
    public static string Hex(byte[] data, int max = 1024)
    {
        var text = new System.Text.StringBuilder();
        for (int i = 0; i < Math.Min(data.Length, max); i += 32)
        {
            text.Append("    ").Append(i.ToString("x4")).Append("  ")
                .Append(Convert.ToHexString(data, i, Math.Min(32, Math.Min(data.Length, max) - i)).ToLowerInvariant()).Append('\n');
        }
        if (data.Length > max) text.Append("    ... ").Append(data.Length - max).Append(" more bytes\n");
        return text.ToString();
    }
}
