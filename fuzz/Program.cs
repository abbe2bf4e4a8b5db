using System;
using System.Collections.Generic;
using System.IO;
using SharpFuzz;
using UefiRecovery.Fuzz.Afl;
using UefiRecovery.Fuzz.Seeds;
using UefiRecovery.Fuzz.Targets;

namespace UefiRecovery.Fuzz;

/// <summary>
/// Commands (docs/fuzzing.md):
/// <code>
/// list                                  the targets
/// afl TARGET|all [--seconds N] [--out DIR] [--ui] [--timeout MS]
///                                       instrument, seed and run afl-fuzz, then report and replay findings
/// run TARGET FILE|DIR...                replay inputs in this process (a finding, a regression input)
/// seeds                                 regenerate the capsule/pkcs7 seeds in fuzz/corpus
/// serve TARGET                          what afl-fuzz starts: SharpFuzz's fork server around the target
/// </code>
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0) return Usage();
        switch (args[0])
        {
            case "list":
                foreach (FuzzTarget target in FuzzTargets.All) Console.WriteLine(target.Name.PadRight(10) + target.Description);
                return 0;
            case "serve" when args.Length == 2 && FuzzTargets.IsName(args[1]):
                FuzzTarget? served = null;
                Fuzzer.OutOfProcess.Run(stream => (served ??= FuzzTargets.Create(args[1])!).Run(ReadAll(stream)));
                return 0;
            case "run" when args.Length >= 3 && FuzzTargets.Create(args[1]) is FuzzTarget replayed:
                return RunFiles(replayed, args[2..]);
            case "seeds":
                CheckedInCorpus.WriteGenerated(Paths.FuzzDir);
                Console.WriteLine("wrote " + CheckedInCorpus.Folder(Paths.FuzzDir, "capsule") + " and " + CheckedInCorpus.Folder(Paths.FuzzDir, "pkcs7"));
                return 0;
            case "afl" when args.Length >= 2:
                return Afl(args);
            default:
                return Usage();
        }
    }

    private static int Afl(string[] args)
    {
        var targets = new List<FuzzTarget>();
        if (args[1] == "all") targets.AddRange(FuzzTargets.All);
        else if (FuzzTargets.Create(args[1]) is FuzzTarget one) targets.Add(one);
        else return Usage();
        var options = new AflOptions();
        for (int i = 2; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--seconds" when i + 1 < args.Length && int.TryParse(args[i + 1], out int seconds) && seconds >= 0:
                    options.Seconds = seconds; i++; break;
                case "--timeout" when i + 1 < args.Length && int.TryParse(args[i + 1], out int timeout) && timeout > 0:
                    options.TimeoutMs = timeout; i++; break;
                case "--out" when i + 1 < args.Length:
                    options.OutDir = args[i + 1]; i++; break;
                case "--ui":
                    options.Ui = true; break;
                default:
                    return Usage();
            }
        }
        return AflRunner.Run(targets, options);
    }

    private static int RunFiles(FuzzTarget target, string[] paths)
    {
        int failures = 0;
        foreach (string path in paths)
        {
            string[] files = Directory.Exists(path) ? Directory.GetFiles(path) : new[] { path };
            Array.Sort(files, StringComparer.Ordinal);
            foreach (string file in files)
            {
                byte[] data = File.ReadAllBytes(file);
                Replay.Outcome outcome = Replay.Run(target, data, TimeSpan.FromSeconds(30));
                if (outcome.Exception == null && !outcome.TimedOut)
                {
                    Console.WriteLine("ok    " + file + " (" + outcome.Elapsed.TotalMilliseconds.ToString("0.0") + " ms)");
                    continue;
                }
                failures++;
                Console.WriteLine("FAIL  " + file + (outcome.TimedOut ? ": still running after 30 s" : ":\n  " + outcome.Exception!.ToString().Replace("\n", "\n  ")));
                Console.Write(Replay.Hex(data));
            }
        }
        return failures == 0 ? 0 : 1;
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: UefiRecovery.Fuzz list | afl TARGET|all [--seconds N] [--out DIR] [--ui] [--timeout MS] | run TARGET FILE|DIR... | seeds | serve TARGET");
        Console.Error.WriteLine("targets: " + string.Join(", ", FuzzTargets.Names));
        return 2;
    }
}
