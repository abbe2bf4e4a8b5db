namespace UefiRecovery.Manager.Benchmarking;

/// <summary>One measured transfer: which tool, how many receivers, what loss, and what it took.</summary>
public sealed record BenchmarkFigure(
    string Tool,
    int Clients,
    double LossPercent,
    string LossKind,
    double WallSeconds,
    double MegabytesPerSecond,
    bool AllByteExact,
    double? BytesSentPerImageByte,
    int? RepairRounds,
    string Note,
    BenchmarkPhases? Phases = null);

/// <summary>
/// The whole benchmark run: the figures and the ratios the issue asks for; the fleet model's figures for the same
/// setups (<see cref="ModelComparison"/>) and, unless --model-sweep false, its time(N)/time(1) sweep.
/// </summary>
public sealed record BenchmarkReport(
    long ImageBytes,
    double RateMbitPerSecond,
    int Clients,
    System.Collections.Generic.IReadOnlyList<BenchmarkFigure> Figures,
    double? ManyToOneTimeRatio,
    double? OursToUftpLossless,
    double? OursToUftpOnePercent,
    double? OursToTftpLossless,
    double? OursToTftpOnePercent,
    double? OursManyToTftpManyLossless,
    double? ManyToOneTimeRatioSharedSocket,
    double? ManyToOneTransferRatio,
    double? ManyToOneTransferRatioSharedSocket,
    string Machine,
    System.Collections.Generic.IReadOnlyList<ModelComparison>? ModelComparisons = null,
    Planning.FleetSweep? ModelSweep = null,
    System.Collections.Generic.IReadOnlyList<LossyComparison>? OursToUftpLossy = null);

/// <summary>One machine at <paramref name="LossPercent"/> kernel loss: ours (FEC) and uftp, medians of the same run; byte-exact in every run or not.</summary>
public sealed record LossyComparison(double LossPercent, double OursSeconds, double UftpSeconds, double? Ratio, bool OursByteExact, bool UftpByteExact);
