using System.Collections.Generic;

namespace UefiRecovery.Manager.Benchmarking;

/// <summary>What `benchmark` measures: image size, receivers, pacing, loss levels, which peers to run, and whether the fleet model's sweep runs too.</summary>
public sealed record BenchmarkOptions(
    long ImageBytes,
    int Clients,
    double RateMbitPerSecond,
    IReadOnlyList<double> LossPercents,
    bool SkipUftp,
    bool SkipTftp,
    string? WorkFolder,
    int Repeat = 3,
    bool SendBatch = true,
    bool CompareFec = true,
    bool RepairOnly = false,
    bool ModelSweep = true,
    bool CompareProactive = true)
{
    /// <summary>The platform GUID the benchmark image is packed for (the EDK2 test vectors' GUID).</summary>
    public const string ImageType = "6e3c1a1b-3f4d-4f0e-9c64-2a5d8b1f7e10";
}
