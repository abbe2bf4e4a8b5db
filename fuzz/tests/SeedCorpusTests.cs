using System.Collections.Generic;
using UefiRecovery.Fuzz.Seeds;
using UefiRecovery.Fuzz.Targets;
using Xunit;

namespace UefiRecovery.Fuzz.Tests;

/// <summary>Every seed of every target (checked in, generated, from ../shared) runs through its target without a finding.</summary>
public sealed class SeedCorpusTests
{
    public static TheoryData<string> TargetNames()
    {
        var data = new TheoryData<string>();
        foreach (string name in FuzzTargets.Names) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(TargetNames))]
    public void Run_EverySeed_NoException(string name)
    {
        FuzzTarget target = FuzzTargets.Create(name)!;
        var seeds = new List<string>();
        foreach ((string seedName, byte[] data) in SeedSet.For(target, Paths.FuzzDir, Paths.SharedDir))
        {
            target.Run(data);
            seeds.Add(seedName);
        }
        Assert.True(seeds.Count >= 3, name + " has only " + seeds.Count + " seeds");
    }

    [Fact]
    public void CheckedInCorpus_EveryTarget_HasAFolderOrGeneratedSeeds()
    {
        foreach (FuzzTarget target in FuzzTargets.All)
        {
            bool any = CheckedInCorpus.Read(Paths.FuzzDir, target.Name).GetEnumerator().MoveNext()
                || target.GeneratedSeeds().GetEnumerator().MoveNext();
            Assert.True(any, target.Name + " has neither checked-in nor generated seeds");
        }
    }
}
