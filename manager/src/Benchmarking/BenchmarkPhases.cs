namespace UefiRecovery.Manager.Benchmarking;

/// <summary>
/// Where one run of this protocol spent its time (from the simulate report, seconds): per machine the
/// median and the slowest of discovery (start .. ACCEPT sent: REQUEST, OFFER, offer window), gather
/// (ACCEPT sent .. first DATA), verification (SHA-256 image id) and report (verified .. RESULT_ACK);
/// session-wide the transfer (first DATA any machine received .. last machine holding every fragment);
/// and the CPU seconds the simulate process (all machines) and the donor used during the run.
/// </summary>
public sealed record BenchmarkPhases(
    double DiscoveryMedian,
    double DiscoveryMax,
    double GatherMedian,
    double GatherMax,
    double Transfer,
    double VerifyMedian,
    double VerifyMax,
    double ReportMedian,
    double ReportMax,
    double SimulateCpuSeconds,
    double SimulateKernelCpuSeconds,
    double? DonorCpuSeconds);
