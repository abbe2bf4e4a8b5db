using System;
using System.Collections.Generic;
using System.IO;
using UefiRecovery.Fuzz.Targets;

namespace UefiRecovery.Fuzz.Seeds;

/// <summary>
/// The checked-in seed folders, fuzz/corpus/TARGET. `seeds` rewrites the generated capsule and pkcs7 seeds
/// there; everything else in those folders (config texts, minimised inputs kept from long runs, inputs of
/// fixed findings) is written by hand and read as it is.
/// </summary>
public static class CheckedInCorpus
{
    public static string Folder(string fuzzDir, string target) => Path.Combine(fuzzDir, "corpus", target);

    public static IEnumerable<(string Name, byte[] Data)> Read(string fuzzDir, string target)
    {
        string folder = Folder(fuzzDir, target);
        if (!Directory.Exists(folder)) yield break;
        string[] files = Directory.GetFiles(folder);
        Array.Sort(files, StringComparer.Ordinal);
        foreach (string file in files)
        {
            if (Path.GetFileName(file).StartsWith('.') || file.EndsWith(".md", StringComparison.Ordinal)) continue;
            yield return (Path.GetFileName(file), File.ReadAllBytes(file));
        }
    }

    /// <summary>Writes fresh capsule seeds and the pkcs7 inputs framed from them (with their roots).</summary>
    public static void WriteGenerated(string fuzzDir)
    {
        string capsules = Folder(fuzzDir, "capsule");
        string pkcs7 = Folder(fuzzDir, "pkcs7");
        Directory.CreateDirectory(capsules);
        Directory.CreateDirectory(pkcs7);
        foreach ((string name, byte[] capsule, byte[] root) in CapsuleSeeds.Make())
        {
            File.WriteAllBytes(Path.Combine(capsules, "gen-" + name + ".bin"), capsule);
            if (root.Length == 0) continue;
            File.WriteAllBytes(Path.Combine(pkcs7, "gen-" + name + ".bin"), Pkcs7Target.FrameCapsule(capsule, root, 0)!);
            File.WriteAllBytes(Path.Combine(pkcs7, "gen-" + name + "-oracle.bin"), Pkcs7Target.FrameCapsule(capsule, root, 1)!);
        }
    }
}
