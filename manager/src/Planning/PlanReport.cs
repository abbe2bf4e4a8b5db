using System.Collections.Generic;
using System.Globalization;
using System.Text;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Manager.Serving.Sessions;

namespace UefiRecovery.Manager.Planning;

/// <summary>The plan command's text: one scenario's figures, or a sweep's table.</summary>
public static class PlanReport
{
    public static string One(FleetScenario scenario, FleetResult r)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine("plan: " + scenario.Describe());
        text.AppendLine(string.Create(c, $"expected time:      {Seconds(r.Seconds)} (boot .. last RESULT acknowledged); transfer {Seconds(r.TransferSeconds)} (first DATA .. last machine holding every fragment)"));
        text.AppendLine(string.Create(c, $"bytes on the wire:  {r.SentPerImage:0.000} x image as DATA, PARITY and MANIFEST (headers included: {r.DataPerImage:0.000} + {r.ParityPerImage:0.000} + {r.ManifestPerImage:0.000}); {r.WirePerImage:0.000} x image on the donor's wire (every datagram, Ethernet/IP/UDP included)"));
        if (scenario.Fec)
        {
            double fleet = scenario.FleetProactiveShare;
            text.AppendLine(string.Create(c, $"proactive parity:   {Proactive(r.ProactiveShare)} in pass 0; for these machines to finish in it (at most {ProactiveParity.ExpectedShortMachines} short, expected): --fec-proactive {fleet * 100:0.##}% ({ProactiveParity.PerBlock(fleet, ProtocolConstants.FecBlockLength)} per block)"));
        }
        text.AppendLine(string.Create(c, $"rounds:             {r.RepairRounds} repair pass(es), {r.StatusRounds} status round(s), {r.Sessions} session(s)"));
        text.AppendLine(string.Create(c, $"STATUS per round:   max {r.StatusPerRoundMax}, mean {r.StatusPerRoundMean:0.0} ({r.StatusMessages} in all, {r.UnsolicitedStatusMessages} before the first round); with needs (not COMPLETE): max {r.NeedsPerRoundMax}"));
        text.AppendLine(string.Create(c, $"late joiners:       {r.LateJoiners} machine(s) joined after pass 0 began (their REQUEST, OFFER or ACCEPT lost, or dropped at the donor's port)"));
        text.AppendLine(string.Create(c, $"recovered:          {r.Recovered}/{r.Machines} (RESULT acknowledged){(r.Recovered == r.Machines ? "" : string.Create(c, $"; {r.Verified} verified the image, the others' RESULT went unacknowledged or they did not finish within the time limit"))}"));
        text.AppendLine(string.Create(c, $"losses:             links {r.LinkLossesTowardMachines} toward machines, {r.LinkLossesTowardDonor} toward the donor; switch buffer {r.SwitchDropsTowardMachines} / {r.SwitchDropsTowardDonor}; receive queues {r.ReceiveQueueDrops}; donor send queue peak {r.DonorQueuePeakBytes / 1024:0} KiB"));
        if (r.DonorRejects.Count > 0)
        {
            var refused = new List<string>();
            foreach (var (reason, count) in r.DonorRejects) refused.Add(string.Create(c, $"{reason} {count}"));
            text.AppendLine("donor dropped:      " + string.Join(", ", refused));
        }
        if (r.ImagesRejected > 0 || r.DecodesRejected > 0 || !r.SharedBufferIntact)
            text.AppendLine(string.Create(c, $"MODEL FAULT:        {r.ImagesRejected} image(s) rejected, {r.DecodesRejected} decode(s) rejected, shared buffer {(r.SharedBufferIntact ? "intact" : "NOT equal to the image")}"));
        if (r.StatusMessages > 0)
            text.AppendLine(string.Create(c, $"donor engine:       {r.DonorMicrosecondsPerStatus:0.0} µs of this host's CPU per STATUS handled (measured around DonorEngine.Receive, not on the model's clock)"));
        text.AppendLine(string.Create(c, $"model:              ran in {r.ModelWallSeconds:0.0} s on this host"));
        text.Append("not modelled:       ");
        text.AppendJoin("\n                    ", r.Simplifications);
        return text.ToString();
    }

    public static string Sweep(FleetSweep sweep)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine("plan --sweep: " + sweep.Scenario);
        text.AppendLine("  machines   time (s)  time(N)/time(1)  transfer (s)    ratio  sent/image  repair  rounds  STATUS/round max    mean  needs/round max  sessions     recovered  proactive  model (s)");
        foreach (FleetSweep.Point p in sweep.Points)
        {
            FleetResult r = p.Figures;
            text.AppendLine(string.Create(c,
                $"  {p.Machines,8}  {Number(r.Seconds),9}  {Number(p.TimeRatio),15}  {Number(r.TransferSeconds),12}  {Number(p.TransferRatio),7}  {r.SentPerImage,10:0.000}  {r.RepairRounds,6}  {r.StatusRounds,6}  {r.StatusPerRoundMax,16}  {r.StatusPerRoundMean,6:0}  {r.NeedsPerRoundMax,15}  {r.Sessions,8}  {r.Recovered,5}/{r.Machines,-6}  {r.ProactiveShare * 100,8:0.##}%  {r.ModelWallSeconds,9:0.0}"));
        }
        text.Append("(goal: time(N)/time(1) <= 1.2; time = boot .. last RESULT acknowledged, transfer = first DATA .. last machine holding every fragment)");
        return text.ToString();
    }

    private static string Proactive(double share) => share <= 0 ? "none"
        : string.Create(CultureInfo.InvariantCulture, $"{ProactiveParity.PerBlock(share, ProtocolConstants.FecBlockLength)} per 64-fragment block ({share * 100:0.##}%)");

    private static string Seconds(double? s) => s is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) + " s" : "n/a (not every machine finished)";

    private static string Number(double? v) => v is { } x ? x.ToString("0.000", CultureInfo.InvariantCulture) : "n/a";
}
