using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using UefiRecovery.Manager.Cli;
using UefiRecovery.Manager.Images;

namespace UefiRecovery.Manager.Planning;

/// <summary>
/// `plan`: what a recovery of N machines is expected to take, from the fleet model (docs/fleet-model.md): the real
/// donor and client engines on a modelled switch, on a virtual clock. Exit 0 when every modelled machine recovered,
/// 1 when some did not within the time limit, 2 for a command line it cannot use.
/// </summary>
public static class PlanCommand
{
    /// <summary>The machine counts of --sweep (the figure).</summary>
    public static readonly IReadOnlyList<int> SweepMachines = new[] { 1, 20, 200, 1000, 10000 };

    public static Command Build()
    {
        var machines = new Option<int>("--machines") { HelpName = "N", Description = "Machines recovering at once (1..100000).", DefaultValueFactory = _ => 1 };
        var rate = new Option<double>("--rate") { HelpName = "MBIT/S", Description = "serve --rate: DATA paced at this many Mbit/s (0 = unpaced).", DefaultValueFactory = _ => 100 };
        var link = new Option<double>("--link") { HelpName = "MBIT/S", Description = "Each machine's switch port, Mbit/s on the wire.", DefaultValueFactory = _ => 1000 };
        var donorLink = new Option<double?>("--donor-link") { HelpName = "MBIT/S", Description = "The donor's switch port, Mbit/s (default: --link; faster, its bursts queue at the switch)." };
        var latency = new Option<double>("--latency") { HelpName = "MS", Description = "One-way latency donor to machine, milliseconds, besides the queues.", DefaultValueFactory = _ => 0.1 };
        var loss = new Option<string>("--loss") { HelpName = "PERCENT", Description = "Each machine's link loses this share of what it receives, e.g. 2% (each machine its own seeded dice).", DefaultValueFactory = _ => "0%" };
        var uplinkLoss = new Option<string?>("--uplink-loss") { HelpName = "PERCENT", Description = "Share lost of what each machine sends (default: --loss)." };
        var burst = new Option<double>("--burst") { HelpName = "DATAGRAMS", Description = "Mean datagrams per loss burst (Gilbert-Elliott); 1 = independent losses.", DefaultValueFactory = _ => 1 };
        var switchBuffer = new Option<string>("--switch-buffer") { HelpName = "BYTES", Description = "Buffer of each switch egress port (suffix KiB, MiB allowed); a fuller queue drops.", DefaultValueFactory = _ => "512KiB" };
        var image = new Option<string>("--image") { HelpName = "SIZE", Description = "Image size (suffix KiB, MiB, GiB allowed).", DefaultValueFactory = _ => "32MiB" };
        var fec = new Option<bool>("--fec") { HelpName = "true|false", Description = "serve --fec: repair with parity per block.", DefaultValueFactory = _ => false };
        var fecProactive = new Option<string>("--fec-proactive") { HelpName = "PERCENT|auto", Description = "serve --fec-proactive: parity in pass 0 as a share of each block; auto: the share these machines need to finish in pass 0 at --loss (each N of a sweep its own).", DefaultValueFactory = _ => "0%" };
        var seed = new Option<ulong>("--seed") { HelpName = "N", Description = "Seed of every random choice in the model; the same seed gives the same figures.", DefaultValueFactory = _ => 1 };
        var bootSpread = new Option<double>("--boot-spread") { HelpName = "SECONDS", Description = "Machines boot at seeded random times within this many seconds (0: all at once).", DefaultValueFactory = _ => 0 };
        var discovery = new Option<string>("--discovery") { HelpName = "broadcast|manager", Description = "The machines' uefirecovery.discovery: broadcast waits the whole offer window, manager chooses as soon as the manager offered.", DefaultValueFactory = _ => "broadcast" };
        var offerWindow = new Option<double?>("--offer-window") { HelpName = "SECONDS", Description = "The machines' offer window T_offer (default 0.75)." };
        var gather = new Option<double?>("--gather") { HelpName = "SECONDS", Description = "serve --gather (default: T_offer)." };
        var write = new Option<double>("--write-seconds") { HelpName = "SECONDS", Description = "Verification and flash write per machine before its RESULT (0: not modelled).", DefaultValueFactory = _ => 0 };
        var limit = new Option<double>("--time-limit") { HelpName = "SECONDS", Description = "Model seconds after which the run stops, recovered or not.", DefaultValueFactory = _ => 600 };
        var sweep = new Option<bool>("--sweep") { Description = "Run N = 1, 20, 200, 1000 and 10000 with the other settings and print time(N) / time(1) and STATUS per round side by side." };
        var command = new Command("plan", "Expected time, bytes on the wire, rounds and STATUS messages per round for a fleet, from a model that runs the real donor and client engines on a virtual clock (docs/fleet-model.md).\n\nExample:\n  uefirecovery-manager plan --machines 500 --rate 1000 --loss 2% --image 32MiB");
        foreach (Option option in new Option[] { machines, rate, link, donorLink, latency, loss, uplinkLoss, burst, switchBuffer, image, fec, fecProactive, seed, bootSpread, discovery, offerWindow, gather, write, limit, sweep })
            command.Options.Add(option);
        int Execute(ParseResult parse, CancellationToken cancellationToken)
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            TextWriter stderr = parse.InvocationConfiguration.Error;
            int Fail(string message)
            {
                stderr.WriteLine("plan: " + message);
                return ExitCodes.Usage;
            }
            int count = parse.GetValue(machines);
            if (count is < 1 or > 100_000) return Fail("--machines must be 1..100000");
            if (!TryParsePercent(parse.GetValue(loss), out double down)) return Fail("--loss must be a percentage 0..99, e.g. 2%");
            double up = down;
            if (parse.GetValue(uplinkLoss) is { } upText && !TryParsePercent(upText, out up)) return Fail("--uplink-loss must be a percentage 0..99, e.g. 2%");
            if (!CliValues.TryParseByteSize(parse.GetValue(image), out long imageBytes) || imageBytes < 1 || imageBytes > 1L << 30)
                return Fail("--image must be 1 byte .. 1GiB, e.g. 32MiB");
            if (!CliValues.TryParseByteSize(parse.GetValue(switchBuffer), out long bufferBytes) || bufferBytes < 1600 || bufferBytes > 1L << 30)
                return Fail("--switch-buffer must be 1600 bytes .. 1GiB (one frame at least), e.g. 512KiB");
            double rateValue = parse.GetValue(rate), linkValue = parse.GetValue(link), donorLinkValue = parse.GetValue(donorLink) ?? linkValue;
            if (rateValue < 0 || linkValue <= 0 || donorLinkValue <= 0) return Fail("--rate must be 0 or more, --link and --donor-link above 0");
            if (parse.GetValue(burst) < 1) return Fail("--burst must be 1 or more (datagrams per burst)");
            if (parse.GetValue(latency) < 0 || parse.GetValue(bootSpread) < 0 || parse.GetValue(write) < 0 || parse.GetValue(limit) <= 0)
                return Fail("--latency, --boot-spread and --write-seconds must be 0 or more, --time-limit above 0");
            string proactiveText = parse.GetValue(fecProactive)!;
            bool proactiveForFleet = proactiveText.Trim() == "auto";
            double proactive = 0;
            if (!proactiveForFleet && !Serving.Sessions.ProactiveParity.TryParseShare(proactiveText, out proactive)) return Fail("--fec-proactive must be a percentage 0..100, e.g. 8%, or auto");
            if ((proactiveForFleet || proactive > 0) && !parse.GetValue(fec)) return Fail("--fec-proactive needs --fec true");
            string discoveryText = parse.GetValue(discovery)!;
            if (discoveryText is not ("broadcast" or "manager")) return Fail("--discovery is broadcast or manager");
            var defaults = new FleetScenario();
            TimeSpan window = parse.GetValue(offerWindow) is { } w ? TimeSpan.FromSeconds(w) : defaults.OfferWindow;
            if (window < TimeSpan.Zero || parse.GetValue(gather) is < 0) return Fail("--offer-window and --gather must be 0 or more");
            var scenario = defaults with
            {
                Machines = count,
                RateMbitPerSecond = rateValue,
                LinkMbitPerSecond = linkValue,
                DonorLinkMbitPerSecond = donorLinkValue,
                Latency = TimeSpan.FromMilliseconds(parse.GetValue(latency)),
                LossTowardMachines = down,
                LossTowardDonor = up,
                BurstLength = parse.GetValue(burst),
                SwitchBufferBytes = (int)bufferBytes,
                ImageBytes = (int)imageBytes,
                Fec = parse.GetValue(fec),
                FecProactive = proactive,
                FecProactiveForFleet = proactiveForFleet,
                Seed = parse.GetValue(seed),
                BootSpread = TimeSpan.FromSeconds(parse.GetValue(bootSpread)),
                DiscoverByBroadcast = discoveryText == "broadcast",
                OfferWindow = window,
                Gather = parse.GetValue(gather) is { } g ? TimeSpan.FromSeconds(g) : window,
                WriteTime = TimeSpan.FromSeconds(parse.GetValue(write)),
                TimeLimit = TimeSpan.FromSeconds(parse.GetValue(limit)),
            };
            bool json = JsonOutputOption.Requested(parse);
            if (parse.GetValue(sweep))
            {
                // Progress on stderr, so stdout is the table (or the JSON document) alone.
                FleetSweep result = FleetSweep.Run(scenario, SweepMachines, n => stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"plan: modelling {n} machines ...")), cancellationToken);
                stdout.WriteLine(json ? JsonSerializer.Serialize(result, JsonDefaults.Web) : PlanReport.Sweep(result));
                return result.AllRecovered ? ExitCodes.Ok : ExitCodes.Rejected;
            }
            FleetResult figures = new FleetModel(scenario).Run(cancellationToken);
            stdout.WriteLine(json ? JsonSerializer.Serialize(new PlanOutput(scenario.Describe(), figures), JsonDefaults.Web) : PlanReport.One(scenario, figures));
            return figures.Recovered == figures.Machines ? ExitCodes.Ok : ExitCodes.Rejected;
        }
        // The model runs on the invoking thread; Ctrl+C cancels it between events.
        command.SetAction((parse, cancellationToken) => Task.FromResult(Execute(parse, cancellationToken)));
        return command;
    }

    /// <summary>"2%", "2" (both 2 %), "0.5%": a share 0 ≤ p &lt; 0.99.</summary>
    public static bool TryParsePercent(string? text, out double share)
    {
        share = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        string number = text.Trim().TrimEnd('%').Trim();
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double percent) || percent < 0 || percent >= 99 || double.IsNaN(percent)) return false;
        share = percent / 100;
        return true;
    }

    /// <summary>One plan under --json: the inputs in words and the figures.</summary>
    public sealed record PlanOutput(string Scenario, FleetResult Figures);
}
