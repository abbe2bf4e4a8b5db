using System;
using System.Collections.Generic;
using System.Threading;

namespace UefiRecovery.Manager.Planning;

/// <summary>
/// One scenario at several fleet sizes (plan --sweep, and the benchmark's model figure): each size's figures and
/// time(N) ÷ time(1), the measure of how the protocol scales.
/// </summary>
public sealed record FleetSweep(string Scenario, IReadOnlyList<FleetSweep.Point> Points)
{
    /// <summary>One fleet size: its figures, and its time and transfer time ÷ those of one machine (null when either run did not finish).</summary>
    public sealed record Point(int Machines, FleetResult Figures, double? TimeRatio, double? TransferRatio);

    public bool AllRecovered
    {
        get
        {
            foreach (Point p in Points) if (p.Figures.Recovered != p.Figures.Machines) return false;
            return true;
        }
    }

    /// <summary>Runs <paramref name="scenario"/> with each of <paramref name="machineCounts"/> machines (the first should be 1).</summary>
    public static FleetSweep Run(FleetScenario scenario, IReadOnlyList<int> machineCounts, Action<int>? starting = null, CancellationToken cancellationToken = default)
    {
        var points = new List<Point>();
        FleetResult? one = null;
        foreach (int n in machineCounts)
        {
            starting?.Invoke(n);
            FleetResult figures = new FleetModel(scenario with { Machines = n, StartTimes = null }).Run(cancellationToken);
            if (n == 1) one = figures;
            points.Add(new Point(n, figures, Ratio(figures.Seconds, one?.Seconds), Ratio(figures.TransferSeconds, one?.TransferSeconds)));
        }
        return new FleetSweep((scenario with { Machines = 0 }).Describe().Replace("0 machine(s), ", "", StringComparison.Ordinal), points);
    }

    private static double? Ratio(double? many, double? one) => many is { } m && one is { } o && o > 0 ? m / o : null;
}
