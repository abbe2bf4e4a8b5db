using System;
using UefiRecovery.Manager.Planning;

namespace UefiRecovery.Manager.Benchmarking;

/// <summary>
/// The fleet model's figures for one measured run's setup, side by side with what the run measured on real sockets
/// (issue #15: the model's N = 20 within 20 % of the real run is how we know the model is honest). The model gets the
/// run's settings, never its results: same machines, capsule size, rate, offer window, gather, FEC and per-machine
/// receive loss; the veth bridge is modelled as 10 Gbit/s ports with 0.05 ms latency.
/// </summary>
public sealed record ModelComparison(
    string Tool,
    int Clients,
    double LossPercent,
    double MeasuredSeconds,
    double? ModelSeconds,
    double? MeasuredTransferSeconds,
    double? ModelTransferSeconds,
    double? MeasuredSentPerImage,
    double ModelSentPerImage,
    int? MeasuredRepairRounds,
    int ModelRepairRounds,
    int ModelStatusPerRoundMax,
    double ModelStatusPerRoundMean,
    double? MeasuredVerifyMedianSeconds)
{
    /// <summary>Model ÷ measured − 1 for the end-to-end time (null when the model did not finish).</summary>
    public double? SecondsDeviation => ModelSeconds is { } m && MeasuredSeconds > 0 ? m / MeasuredSeconds - 1 : null;

    /// <summary>Model ÷ measured − 1 for the transfer phase.</summary>
    public double? TransferDeviation => ModelTransferSeconds is { } m && MeasuredTransferSeconds is { } t && t > 0 ? m / t - 1 : null;

    /// <summary>The model's scenario for a benchmark run with these settings.</summary>
    public static FleetScenario ScenarioFor(int clients, int imageBytes, double rateMbitPerSecond, double lossPercent, bool fec, double offerWindowSeconds, double gatherSeconds) => new()
    {
        Machines = clients,
        ImageBytes = imageBytes,
        RateMbitPerSecond = rateMbitPerSecond,
        LinkMbitPerSecond = 10_000,
        DonorLinkMbitPerSecond = 10_000,
        Latency = TimeSpan.FromMilliseconds(0.05),
        // simulate --faults drop=p: what each machine receives; what it sends is not dropped.
        LossTowardMachines = lossPercent / 100,
        LossTowardDonor = 0,
        Fec = fec,
        // simulate --manager without --discover: the REQUEST goes to the manager only.
        DiscoverByBroadcast = false,
        OfferWindow = TimeSpan.FromSeconds(offerWindowSeconds),
        Gather = TimeSpan.FromSeconds(gatherSeconds),
        Seed = 7,
    };

    /// <summary>Runs the model for <paramref name="measured"/>'s setup and puts the two side by side.</summary>
    public static ModelComparison For(BenchmarkFigure measured, FleetScenario scenario)
    {
        FleetResult model = new FleetModel(scenario).Run();
        return new ModelComparison(measured.Tool, measured.Clients, measured.LossPercent, measured.WallSeconds, model.Seconds,
            measured.Phases?.Transfer, model.TransferSeconds, measured.BytesSentPerImageByte, model.SentPerImage,
            measured.RepairRounds, model.RepairRounds, model.StatusPerRoundMax, model.StatusPerRoundMean, measured.Phases?.VerifyMedian);
    }
}
