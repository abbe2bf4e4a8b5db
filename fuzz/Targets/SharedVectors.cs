using System;
using System.Collections.Generic;
using System.IO;

namespace UefiRecovery.Fuzz.Targets;

/// <summary>The EDK2 capsule vectors in ../shared (read at run time, never copied into the repo).</summary>
public static class SharedVectors
{
    /// <summary>Capsules up to this size become seeds: afl-fuzz wants small inputs, and every byte costs time per execution.</summary>
    public const int MaxSeedBytes = 16 * 1024;

    public static IEnumerable<string> SmallEdk2Capsules(string sharedDir)
    {
        foreach (string set in new[] { "rsa2048", "pkcs7" })
        {
            string folder = Path.Combine(sharedDir, "vectors", "edk2-capsules", set);
            if (!Directory.Exists(folder)) continue;
            string[] files = Directory.GetFiles(folder, "*.cap");
            Array.Sort(files, StringComparer.Ordinal);
            foreach (string file in files)
            {
                if (new FileInfo(file).Length <= MaxSeedBytes) yield return file;
            }
        }
    }
}
