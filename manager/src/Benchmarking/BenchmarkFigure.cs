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

/// <summary>The whole benchmark run: the figures and the ratios the issue asks for.</summary>
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
    string Machine);
