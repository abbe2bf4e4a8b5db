using System;
using System.Collections.Generic;
using System.Globalization;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Client;
using UefiRecovery.Manager.Serving.Sessions;

namespace UefiRecovery.Manager.Planning;

/// <summary>
/// What the fleet model runs (docs/fleet-model.md): how many machines, the network between them and the donor, the
/// image, and the settings of serve and of the machines that matter for time. Defaults are serve's and the
/// firmware's, on a 1 Gbit/s switch.
/// </summary>
public sealed record FleetScenario
{
    /// <summary>Machines recovering at once.</summary>
    public int Machines { get; init; } = 1;

    /// <summary>serve --rate: the donor paces DATA at this many Mbit/s of UDP payload (0 = unpaced).</summary>
    public double RateMbitPerSecond { get; init; } = 100;

    /// <summary>Each machine's port, Mbit/s on the wire (Ethernet, IP and UDP headers count).</summary>
    public double LinkMbitPerSecond { get; init; } = 1000;

    /// <summary>The donor's port, Mbit/s (faster than the machines' ports: its bursts queue at the switch).</summary>
    public double DonorLinkMbitPerSecond { get; init; } = 1000;

    /// <summary>One way, donor to machine, on top of the queues.</summary>
    public TimeSpan Latency { get; init; } = TimeSpan.FromMilliseconds(0.1);

    /// <summary>Fraction of datagrams each machine's link loses toward the machine (each machine its own dice).</summary>
    public double LossTowardMachines { get; init; }

    /// <summary>Fraction each machine's link loses toward the donor.</summary>
    public double LossTowardDonor { get; init; }

    /// <summary>Mean datagrams per loss burst (Gilbert–Elliott); 1 = independent losses.</summary>
    public double BurstLength { get; init; } = 1;

    /// <summary>Bytes each switch egress port buffers before it drops.</summary>
    public int SwitchBufferBytes { get; init; } = 512 * 1024;

    /// <summary>Bytes of the image (random bytes, seeded).</summary>
    public int ImageBytes { get; init; } = 32 * 1024 * 1024;

    /// <summary>serve --fec.</summary>
    public bool Fec { get; init; }

    /// <summary>serve --fec-proactive (with <see cref="Fec"/>): parity in pass 0 as a share of each block.</summary>
    public double FecProactive { get; init; }

    /// <summary>
    /// plan --fec-proactive auto: the share <see cref="ProactiveParity.ShareFor"/> gives for these machines, this
    /// image and the loss toward the machines (overrides <see cref="FecProactive"/>).
    /// </summary>
    public bool FecProactiveForFleet { get; init; }

    /// <summary>Tests: the first this many machines are old clients that do not decode (they NACK, as before FEC1).</summary>
    public int MachinesWithoutFec { get; init; }

    /// <summary>The proactive share these machines need to finish in pass 0 at the loss toward them (plan --fec-proactive auto).</summary>
    public double FleetProactiveShare => ProactiveParity.ShareFor(Machines, FleetModel.BlocksOf(this), LossTowardMachines);

    /// <summary>The proactive share the donor is given: <see cref="FecProactive"/>, or <see cref="FleetProactiveShare"/> (<see cref="FecProactiveForFleet"/>).</summary>
    public double ProactiveShare => !Fec ? 0 : FecProactiveForFleet ? FleetProactiveShare : FecProactive;

    /// <summary>Seeds everything random: the image, every link's losses, the machines' and the donor's PRNGs.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Machines boot at random times within this long from the start (0: all at once).</summary>
    public TimeSpan BootSpread { get; init; }

    /// <summary>Each machine's boot time, when given (tests: a late joiner); overrides <see cref="BootSpread"/>.</summary>
    public IReadOnlyList<TimeSpan>? StartTimes { get; init; }

    /// <summary>uefirecovery.discovery=broadcast (true, the firmware's default): the REQUEST also goes as a broadcast and the machine waits the whole offer window.</summary>
    public bool DiscoverByBroadcast { get; init; } = true;

    /// <summary>The machines' offer window T_offer.</summary>
    public TimeSpan OfferWindow { get; init; } = TimeSpan.FromMilliseconds(new ClientTimings().OfferWindowMs);

    /// <summary>serve --gather.</summary>
    public TimeSpan Gather { get; init; } = SessionTimings.DefaultGather;

    /// <summary>serve --client-timeout.</summary>
    public TimeSpan ClientTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The machines' largest UDP payload (the fragment size follows, §5.2).</summary>
    public ushort MaxDatagram { get; init; } = ProtocolLimits.DefaultDatagram;

    /// <summary>How often a machine polls its engine (the app's loop; datagrams wait in its receive queue until then).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Datagrams a machine's receive queue holds between polls.</summary>
    public int ReceiveQueueFrames { get; init; } = 1024;

    /// <summary>Verifying and writing the flash, per machine, between the last fragment and the RESULT (0: not modelled).</summary>
    public TimeSpan WriteTime { get; init; }

    /// <summary>The model stops here whether or not every machine finished.</summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// All machines assemble into one image buffer (<see cref="ClientBuffers"/>): what makes 10,000 machines of a 32 MiB
    /// image fit in memory. False: each its own buffer, and each verified image is checked byte for byte (the tests).
    /// </summary>
    public bool ShareImageBuffer { get; init; } = true;

    /// <summary>The settings in one line (the plan command's header).</summary>
    public string Describe()
    {
        var c = CultureInfo.InvariantCulture;
        string loss = LossTowardMachines == LossTowardDonor
            ? Percent(LossTowardMachines) + " each way"
            : Percent(LossTowardMachines) + " toward the machines, " + Percent(LossTowardDonor) + " toward the donor";
        return string.Create(c, $"{Machines} machine(s), image {ImageBytes} bytes, rate {RateMbitPerSecond} Mbit/s, links {LinkMbitPerSecond} Mbit/s (donor {DonorLinkMbitPerSecond}), ")
            + string.Create(c, $"latency {Latency.TotalMilliseconds} ms, loss {loss} ({(BurstLength > 1 ? "bursts of " + BurstLength.ToString(c) + " on average" : "independent")}), ")
            + string.Create(c, $"switch buffer {SwitchBufferBytes} bytes per port, FEC {(!Fec ? "off" : FecProactiveForFleet ? "on, proactive parity for the fleet" : FecProactive > 0 ? "on, proactive " + Percent(FecProactive) : "on")}, discovery {(DiscoverByBroadcast ? "broadcast" : "manager")}, ")
            + string.Create(c, $"offer window {OfferWindow.TotalSeconds} s, gather {Gather.TotalSeconds} s, boot spread {BootSpread.TotalSeconds} s, write {WriteTime.TotalSeconds} s, seed {Seed}");

        static string Percent(double share) => (share * 100).ToString("0.###", CultureInfo.InvariantCulture) + "%";
    }

    /// <summary>Tests: a datagram from machine i that this returns true for is lost on its way to the donor (a lost ACCEPT).</summary>
    public Func<int, ReadOnlySpan<byte>, bool>? UplinkFilter { get; init; }
}
