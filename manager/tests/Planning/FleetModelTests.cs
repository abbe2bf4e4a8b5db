using System;
using System.Collections.Generic;
using System.Linq;
using UefiRecovery.Manager.Planning;
using Xunit;

namespace UefiRecovery.Manager.Tests.Planning;

/// <summary>The fleet model (docs/fleet-model.md): the same scenario and seed give the same run, to the last datagram.</summary>
public sealed class FleetModelTests
{
    private static readonly FleetScenario Small = new()
    {
        Machines = 30,
        ImageBytes = 1 << 20,
        RateMbitPerSecond = 1000,
        LossTowardMachines = 0.02,
        LossTowardDonor = 0.01,
        BurstLength = 4,
        BootSpread = TimeSpan.FromSeconds(1),
        Seed = 5,
        TimeLimit = TimeSpan.FromMinutes(2),
    };

    private static readonly Dictionary<string, long> NoRejects = new();

    // Everything but how long the host took; the lists are compared by content apart.
    private static FleetResult Comparable(FleetResult r) => r with
    {
        ModelWallSeconds = 0,
        DonorMicrosecondsPerStatus = 0,
        Simplifications = Array.Empty<string>(),
        DonorRejects = NoRejects,
    };

    [Fact]
    public void SameSeed_SameFiguresAndSameMachineTimes()
    {
        var first = new FleetModel(Small);
        var second = new FleetModel(Small);

        FleetResult a = first.Run();
        FleetResult b = second.Run();

        Assert.Equal(Small.Machines, a.Recovered);
        Assert.Equal(Comparable(a), Comparable(b));
        Assert.Equal(a.Simplifications, b.Simplifications);
        Assert.Equal(a.DonorRejects, b.DonorRejects);
        Assert.Equal(first.Machines.Select(m => (m.StartAt, m.AcceptSentAt, m.AllHeldAt, m.AcknowledgedAt, m.Session.StatusesSent)),
            second.Machines.Select(m => (m.StartAt, m.AcceptSentAt, m.AllHeldAt, m.AcknowledgedAt, m.Session.StatusesSent)));
        Assert.Equal(first.Donor.DatagramsSent, second.Donor.DatagramsSent);
        Assert.Equal(first.Donor.BytesSent, second.Donor.BytesSent);
    }

    [Fact]
    public void OtherSeed_OtherLosses()
    {
        FleetResult a = new FleetModel(Small).Run();
        FleetResult b = new FleetModel(Small with { Seed = 6 }).Run();

        Assert.Equal(Small.Machines, b.Recovered);
        Assert.NotEqual(a.LinkLossesTowardMachines, b.LinkLossesTowardMachines);
    }

    [Fact]
    public void SharedBuffer_TenTimesTheMachines_StillRecoversEveryOneAndTheBufferIsTheImage()
    {
        FleetResult r = new FleetModel(Small with { Machines = 300, BootSpread = TimeSpan.Zero, BurstLength = 1 }).Run();

        Assert.Equal(300, r.Recovered);
        Assert.True(r.SharedBufferIntact);
        Assert.Equal(0, r.ImagesRejected);
        Assert.True(r.StatusPerRoundMax > 0);
        Assert.True(r.Seconds > 0);
    }

    [Fact]
    public void Lossless_OneMachine_TransferIsTheImageAtTheLinkRate()
    {
        FleetResult r = new FleetModel(new FleetScenario { ImageBytes = 4 << 20, RateMbitPerSecond = 1000, Seed = 1 }).Run();

        Assert.Equal(1, r.Recovered);
        Assert.Equal(0, r.RepairRounds);
        // 4 MiB of DATA with its headers and Ethernet framing at 1 Gbit/s takes 35 ms; pass 0 is all of the transfer.
        double wireSeconds = r.WirePerImage * r.ImageBytes * 8 / 1e9;
        Assert.InRange(r.TransferSeconds!.Value, wireSeconds * 0.9, wireSeconds * 1.2);
    }

    /// <summary>
    /// Issue #15's byte goals, in the model of the benchmark's repair runs (20 machines, 32 MiB, 1000 Mbit/s, each
    /// machine losing its own share of what it receives): parity sized for the measured loss and MANIFESTs sent as
    /// often as that loss calls for (docs/protocol.md §5.5). With the margin 1 + need/8 and single MANIFESTs this was
    /// 1.099 / 1.185 / 1.285 with 2 / 3 / 5 repair passes. The real-socket figures are the benchmark's.
    /// </summary>
    [Theory]
    [InlineData(1, 1.10)]
    [InlineData(5, 1.30)]
    [InlineData(10, 1.50)]
    public void BenchmarkRepairRun_Fec_WithinTheByteGoalInTwoRepairPasses(double lossPercent, double goal)
    {
        FleetScenario scenario = Benchmarking.ModelComparison.ScenarioFor(20, 32 << 20, 1000, lossPercent, fec: true, offerWindowSeconds: 0.05, gatherSeconds: 1);

        FleetResult r = new FleetModel(scenario).Run();

        Assert.Equal(20, r.Recovered);
        Assert.InRange(r.SentPerImage, 1.0, goal);
        Assert.InRange(r.RepairRounds, 1, 2);
    }

    [Fact]
    public void Sweep_RatiosAgainstOneMachine()
    {
        FleetSweep sweep = FleetSweep.Run(Small with { BootSpread = TimeSpan.Zero }, new[] { 1, 10 });

        Assert.Equal(new[] { 1, 10 }, sweep.Points.Select(p => p.Machines));
        Assert.Equal(1.0, sweep.Points[0].TimeRatio);
        Assert.Equal(sweep.Points[1].Figures.Seconds / sweep.Points[0].Figures.Seconds, sweep.Points[1].TimeRatio);
        Assert.True(sweep.AllRecovered);
    }
}
