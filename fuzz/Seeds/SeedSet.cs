using System.Collections.Generic;
using UefiRecovery.Fuzz.Targets;

namespace UefiRecovery.Fuzz.Seeds;

/// <summary>Every seed of a target: checked in, generated at run time, and derived from ../shared when present.</summary>
public static class SeedSet
{
    public static IEnumerable<(string Name, byte[] Data)> For(FuzzTarget target, string fuzzDir, string sharedDir)
    {
        foreach ((string name, byte[] data) in CheckedInCorpus.Read(fuzzDir, target.Name)) yield return ("corpus-" + name, data);
        foreach ((string name, byte[] data) in target.GeneratedSeeds()) yield return ("gen-" + name, data);
        foreach ((string name, byte[] data) in target.SharedSeeds(sharedDir)) yield return ("shared-" + name, data);
    }
}
