using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using SharpFuzz;
using UefiRecovery.Fuzz.Seeds;
using UefiRecovery.Fuzz.Targets;

namespace UefiRecovery.Fuzz.Afl;

/// <summary>
/// The `afl` command: copies this program's build output, instruments the copies of the portable
/// assemblies with SharpFuzz, writes each target's seeds, runs afl-fuzz over `serve TARGET`, then reports
/// afl-fuzz's figures and replays every crash and hang in this process (exception and input printed).
/// Fails (exit 1) on any crash, and on a hang whose replay also exceeds the timeout: a lone slow
/// execution on a loaded machine is reported but not a failure.
/// </summary>
public static class AflRunner
{
    /// <summary>The assemblies under test; everything else (this harness, the BCL) is not instrumented.</summary>
    public static readonly string[] InstrumentedAssemblies = { "UefiRecovery.Core.dll", "UefiRecovery.Netstack.dll" };

    /// <summary>afl-fuzz wants small seeds; larger ones (the 0.5 MiB EDK2 capsules) only slow every execution.</summary>
    public const int MaxSeedBytes = 64 * 1024;

    public static int Run(IReadOnlyList<FuzzTarget> targets, AflOptions options)
    {
        string? aflFuzz = FindOnPath("afl-fuzz");
        if (aflFuzz == null)
        {
            Console.Error.WriteLine("FUZZ FAILED: afl-fuzz not found; install the Debian package afl++ (listed in .ci/packages.txt)");
            return 2;
        }
        string work = Path.GetFullPath(options.OutDir ?? Path.Combine(Paths.RepoDir, "artifacts", "fuzz", DateTime.Now.ToString("yyyyMMdd-HHmmss")));
        string bin = Path.Combine(work, "bin");
        CopyDirectory(AppContext.BaseDirectory, bin);
        foreach (string assembly in InstrumentedAssemblies)
        {
            int types = Fuzzer.Instrument(Path.Combine(bin, assembly), _ => true, Options.Value).Count();
            Console.WriteLine("FUZZ instrumented " + assembly + ": " + types + " types");
        }

        int failed = 0;
        foreach (FuzzTarget target in targets)
        {
            if (!RunTarget(aflFuzz, target, bin, Path.Combine(work, target.Name), options)) failed++;
        }
        Console.WriteLine(failed == 0 ? "FUZZ PASSED: " + targets.Count + " targets, no crash, no hang (" + work + ")"
                                      : "FUZZ FAILED: " + failed + " of " + targets.Count + " targets have findings (" + work + ")");
        return failed == 0 ? 0 : 1;
    }

    private static bool RunTarget(string aflFuzz, FuzzTarget target, string bin, string folder, AflOptions options)
    {
        string input = Path.Combine(folder, "in");
        string output = Path.Combine(folder, "out");
        if (Directory.Exists(folder)) Directory.Delete(folder, true);
        Directory.CreateDirectory(input);
        int seeds = WriteSeeds(target, input);
        Console.WriteLine("FUZZ " + target.Name + ": " + seeds + " seeds, " + (options.Seconds == 0 ? "until Ctrl-C" : options.Seconds + " s"));

        var start = new ProcessStartInfo(aflFuzz) { UseShellExecute = false };
        foreach (string argument in new[] { "-i", input, "-o", output, "-t", options.TimeoutMs.ToString(), "-m", "none" }) start.ArgumentList.Add(argument);
        if (options.Seconds > 0)
        {
            start.ArgumentList.Add("-V");
            start.ArgumentList.Add(options.Seconds.ToString());
        }
        foreach (string argument in new[] { "--", "dotnet", Path.Combine(bin, "UefiRecovery.Fuzz.dll"), "serve", target.Name }) start.ArgumentList.Add(argument);
        start.Environment["AFL_SKIP_BIN_CHECK"] = "1";          // the binary is dotnet; the instrumentation is in the IL
        start.Environment["AFL_NO_AFFINITY"] = "1";             // the cores are shared with builds and other tests
        start.Environment["AFL_SKIP_CPUFREQ"] = "1";
        start.Environment["AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES"] = "1"; // core_pattern may pipe to a handler
        start.Environment["AFL_NO_UI"] = options.Ui ? null : "1";
        string log = Path.Combine(folder, "afl.log");
        if (!options.Ui)
        {
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
        }

        using Process afl = Process.Start(start)!;
        if (!options.Ui)
        {
            var writer = new StreamWriter(log) { AutoFlush = true };
            afl.OutputDataReceived += (_, e) => { if (e.Data != null) lock (writer) writer.WriteLine(e.Data); };
            afl.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (writer) writer.WriteLine(e.Data); };
            afl.BeginOutputReadLine();
            afl.BeginErrorReadLine();
        }
        ConsoleCancelEventHandler keepGoing = (_, e) => e.Cancel = true; // Ctrl-C stops afl-fuzz; the report still follows
        Console.CancelKeyPress += keepGoing;
        // Calibration and the .NET start-up come on top of -V; a run far past it is stuck.
        bool exited = options.Seconds == 0 ? WaitForever(afl) : afl.WaitForExit(TimeSpan.FromSeconds(options.Seconds + 300));
        Console.CancelKeyPress -= keepGoing;
        if (!exited)
        {
            afl.Kill(true);
            afl.WaitForExit();
        }
        afl.WaitForExit();

        AflStats stats = AflStats.Read(Path.Combine(output, "default", "fuzzer_stats"));
        if (!stats.Exists)
        {
            Console.WriteLine("FUZZ " + target.Name + " FAILED: afl-fuzz did not start fuzzing (exit " + afl.ExitCode + "); last lines of " + log + ":");
            if (File.Exists(log)) foreach (string line in File.ReadLines(log).TakeLast(25)) Console.WriteLine("    " + line);
            return false;
        }
        Console.WriteLine("FUZZ " + target.Name + " " + stats.Summary());
        bool crashes = ReportFindings(target, Path.Combine(output, "default", "crashes"), "crash", TimeSpan.FromSeconds(10), options);
        bool hangs = ReportFindings(target, Path.Combine(output, "default", "hangs"), "hang", TimeSpan.FromMilliseconds(options.TimeoutMs), options);
        return !crashes && !hangs;
    }

    /// <summary>Prints every finding with its replay; true when one of them counts as a failure.</summary>
    private static bool ReportFindings(FuzzTarget target, string folder, string kind, TimeSpan timeout, AflOptions options)
    {
        if (!Directory.Exists(folder)) return false;
        bool failure = false;
        foreach (string file in Directory.GetFiles(folder).Where(f => Path.GetFileName(f).StartsWith("id:", StringComparison.Ordinal)).OrderBy(f => f, StringComparer.Ordinal))
        {
            byte[] data = File.ReadAllBytes(file);
            Replay.Outcome outcome = Replay.Run(target, data, timeout);
            bool counts = kind == "crash" || outcome.TimedOut || outcome.Exception != null;
            failure |= counts;
            Console.WriteLine("FUZZ " + target.Name + " " + kind.ToUpperInvariant() + (counts ? "" : " (not reproduced: replay took "
                + outcome.Elapsed.TotalMilliseconds.ToString("0") + " ms, reported only)") + ": " + file + " (" + data.Length + " bytes)");
            if (outcome.Exception != null) Console.WriteLine("  replay: " + outcome.Exception.ToString().Replace("\n", "\n  "));
            else if (outcome.TimedOut) Console.WriteLine("  replay: still running after " + timeout.TotalMilliseconds + " ms");
            else if (kind == "crash") Console.WriteLine("  replay: no exception in this process (crash of the fuzzing child only)");
            Console.Write(Replay.Hex(data));
        }
        return failure;
    }

    private static int WriteSeeds(FuzzTarget target, string folder)
    {
        var seen = new HashSet<string>();
        int count = 0;
        foreach ((string name, byte[] data) in SeedSet.For(target, Paths.FuzzDir, Paths.SharedDir))
        {
            if (data.Length == 0 || data.Length > MaxSeedBytes || !seen.Add(Convert.ToHexString(SHA256.HashData(data)))) continue;
            File.WriteAllBytes(Path.Combine(folder, name), data);
            count++;
        }
        return count;
    }

    private static bool WaitForever(Process process)
    {
        process.WaitForExit();
        return true;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)), true);
        }
        foreach (string directory in Directory.GetDirectories(from))
        {
            CopyDirectory(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }

    private static string? FindOnPath(string program)
    {
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            string candidate = Path.Combine(directory, program);
            if (directory.Length > 0 && File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
