using Xunit;

namespace UefiRecovery.QemuTests.Bench;

/// <summary>
/// The QEMU benchmarks run alone: xUnit runs collections with parallelization disabled after the parallel
/// ones, one test at a time, so no other boot competes with a measured one for the two cores.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BenchmarkCollection
{
    public const string Name = "QEMU benchmarks, run alone";
}
