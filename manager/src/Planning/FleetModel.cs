using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Threading;
using Microsoft.Extensions.Logging.Abstractions;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Client;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Manager.Serving;
using UefiRecovery.Manager.Serving.Catalog;
using UefiRecovery.Manager.Serving.Faults;
using UefiRecovery.Manager.Serving.Instructions;
using UefiRecovery.Manager.Serving.Membership;
using UefiRecovery.Manager.Serving.Results;
using UefiRecovery.Manager.Serving.Sessions;

namespace UefiRecovery.Manager.Planning;

/// <summary>
/// The fleet model (docs/fleet-model.md): the real donor engine and N real client engines on one virtual clock over
/// a modelled switch, run event by event. The same scenario and seed give the same run.
/// </summary>
public sealed class FleetModel
{
    /// <summary>The platform GUID of the model's image (the benchmark's).</summary>
    public static readonly Guid ImageType = Guid.Parse("6e3c1a1b-3f4d-4f0e-9c64-2a5d8b1f7e10");

    private const uint ImageVersion = 0x00010002;

    private readonly FleetScenario _scenario;
    private readonly VirtualClock _clock = new();
    private readonly EventQueue _events = new();
    private readonly ModelNetwork _network;
    private readonly ModelDonor _donor;
    private readonly ModelMachine[] _machines;
    private readonly ClientBuffers? _shared;
    private readonly ReferenceImageVerifier _verifier;
    private readonly ReferenceManifestHash _hash;
    private readonly double _proactiveShare;

    public FleetModel(FleetScenario scenario)
    {
        Validate(scenario);
        _scenario = scenario;
        Image = new byte[scenario.ImageBytes];
        new Random(unchecked((int)scenario.Seed ^ (int)(scenario.Seed >> 32))).NextBytes(Image);
        byte[] sha256 = SHA256.HashData(Image);
        ImageId = DonorIdentity.ImageIdFor(sha256);
        var catalogImage = new CatalogImage("model.cap", "", Image, sha256, ImageType, ImageVersion, 0x00010000, DateTime.UnixEpoch);

        _network = new ModelNetwork(scenario, _clock, _events);
        _donor = new ModelDonor(_clock, _events, _network, scenario.RateMbitPerSecond);
        var donorEndpoint = new IPEndPoint(IPAddress.Parse("10.0.0.1"), ProtocolConstants.DonorPort);
        var options = new ServeOptions
        {
            ImagesFolder = "(fleet model)",
            Listen = donorEndpoint,
            Delivery = DeliveryMode.Broadcast,
            DataDestination = IPAddress.Parse("10.0.255.255"),
            ClientPort = ProtocolConstants.ClientPort,
            RateMbitPerSecond = scenario.RateMbitPerSecond,
            FragmentSize = ProtocolLimits.DefaultDatagram - ProtocolConstants.FragmentOverhead,
            TrustedKeys = Array.Empty<string>(),
            ResultsPath = null,
            StatusHttp = null,
            ClientTimeout = scenario.ClientTimeout,
            Gather = scenario.Gather,
            Faults = FaultOptions.None,
            DonorName = "fleet-model",
            Priority = 100,
            LiveView = false,
            Fec = scenario.Fec,
            FecProactive = _proactiveShare = scenario.ProactiveShare,
        };
        var secret = new byte[DonorSecret.Length];
        new Random(unchecked((int)scenario.Seed * 31 + 7)).NextBytes(secret);
        var catalog = ImageCatalog.InMemory(new[] { catalogImage });
        var engine = new DonorEngine(options, catalog, new ResultLog(null), new DonorCredentials(new MembershipKeys(secret), null, null),
            new InstructionBook(new InstructionTimeouts()), new Serving.Inventory.MachineInventory(),
            DonorIdentity.SenderIdFor(options.DonorName, donorEndpoint.Port), _donor, new Random(unchecked((int)scenario.Seed * 17 + 3)),
            DateTimeOffset.UnixEpoch, NullLogger.Instance);
        engine.WarmManifests(catalog.Current);

        ushort fragmentSize = FragmentSizes.ForClient(FragmentSizes.Offered(options.FragmentSize), scenario.MaxDatagram);
        _hash = new ReferenceManifestHash(Image, ImageId, fragmentSize);
        _shared = scenario.ShareImageBuffer ? new ClientBuffers((uint)Image.Length) : null;
        _verifier = new ReferenceImageVerifier(Image, _shared?.Image);
        _machines = new ModelMachine[scenario.Machines];
        var boot = ModelRandom.For(scenario.Seed, 0xB007);
        for (int i = 0; i < _machines.Length; i++)
        {
            TimeSpan start = scenario.StartTimes is { } times ? times[i] : TimeSpan.FromTicks((long)(boot.NextDouble() * scenario.BootSpread.Ticks));
            _machines[i] = CreateMachine(i, start);
        }
        _network.Attach(_donor, _machines);
        _donor.Attach(engine);
    }

    /// <summary>The image the donor serves (random bytes of the scenario's size and seed).</summary>
    public byte[] Image { get; }

    public ulong ImageId { get; }

    public IReadOnlyList<ModelMachine> Machines => _machines;

    public DonorEngine Donor => _donor.Engine;

    public ModelNetwork Network => _network;

    /// <summary>Model time now (after <see cref="Run"/>: when it stopped).</summary>
    public TimeSpan Now => _clock.Now;

    private ModelMachine CreateMachine(int index, TimeSpan start)
    {
        uint address = ModelNetwork.AddressOf(index);
        ulong mac = 0x020000000001UL + (ulong)index;
        var config = new ClientConfig
        {
            ImageType = DonorIdentity.TypeIdFor(ImageType),
            MacAddress = mac,
            Ipv4Address = address,
            MaxDatagram = _scenario.MaxDatagram,
            ManagerEndpoint = ModelNetwork.DonorEndpoint,
            DiscoverByBroadcast = _scenario.DiscoverByBroadcast,
            ImageCapacity = (uint)Image.Length,
            Timings = new ClientTimings { OfferWindowMs = (uint)_scenario.OfferWindow.TotalMilliseconds },
            RandomSeed = _scenario.Seed * 1_000_003UL + mac,
            ManifestHash = _hash,
            // A machine takes parity only from a donor that offers FEC: without it the pool would be allocated and never used.
            UseFec = _scenario.Fec && index >= _scenario.MachinesWithoutFec,
            SharedBuffers = _shared,
        };
        var transport = new ModelMachineTransport(_network, index, _scenario.ReceiveQueueFrames);
        ClientSetupStatus setup = ClientSession.TryCreate(config, transport, _verifier, out ClientSession? session);
        if (setup != ClientSetupStatus.Ok || session is null) throw new InvalidOperationException("client setup failed: " + setup);
        var down = new LinkLoss(_scenario.LossTowardMachines, _scenario.BurstLength, ModelRandom.For(_scenario.Seed, 2 * (ulong)index + 1));
        var up = new LinkLoss(_scenario.LossTowardDonor, _scenario.BurstLength, ModelRandom.For(_scenario.Seed, 2 * (ulong)index + 2));
        return new ModelMachine(index, address, start, session, transport, down, up);
    }

    // FEC blocks of the image at the fragment size a machine with the scenario's datagram gets.
    public static long BlocksOf(FleetScenario s)
    {
        ushort fragment = FragmentSizes.ForClient(FragmentSizes.Offered(ProtocolLimits.DefaultDatagram - ProtocolConstants.FragmentOverhead), s.MaxDatagram);
        long fragments = (s.ImageBytes + (long)fragment - 1) / fragment;
        return (fragments + ProtocolConstants.FecBlockLength - 1) / ProtocolConstants.FecBlockLength;
    }

    private static void Validate(FleetScenario s)
    {
        if (s.Machines < 1) throw new ArgumentException("machines must be at least 1");
        if (s.LinkMbitPerSecond <= 0 || s.DonorLinkMbitPerSecond <= 0) throw new ArgumentException("link rates must be above 0");
        if (s.RateMbitPerSecond < 0) throw new ArgumentException("the rate must not be negative");
        if (s.LossTowardMachines is < 0 or >= 1 || s.LossTowardDonor is < 0 or >= 1) throw new ArgumentException("loss must be 0 <= p < 1");
        if (s.ImageBytes < 1) throw new ArgumentException("the image must have at least 1 byte");
        if (s.StartTimes is { } times && times.Count != s.Machines) throw new ArgumentException("one start time per machine");
        if (s.PollInterval <= TimeSpan.Zero) throw new ArgumentException("the poll interval must be above 0");
    }

    /// <summary>Runs until every machine finished or the time limit; returns the figures.</summary>
    public FleetResult Run(CancellationToken cancellationToken = default)
    {
        var wall = Stopwatch.StartNew();
        _events.Schedule(TimeSpan.Zero, PollMachines);
        long handled = 0;
        while (!AllFinished() && _events.TryTake(out TimeSpan at, out Action action))
        {
            if (at > _scenario.TimeLimit) break;
            _clock.AdvanceTo(at);
            action();
            if ((++handled & 0xFFFF) == 0) cancellationToken.ThrowIfCancellationRequested();
        }
        return Figures(wall.Elapsed.TotalSeconds);
    }

    private int _unfinished = -1;

    private bool AllFinished() => _unfinished == 0;

    // Every booted machine polls its engine once per poll interval.
    private void PollMachines()
    {
        TimeSpan now = _clock.Now;
        int unfinished = 0;
        bool ownBuffer = _shared is null;
        foreach (ModelMachine machine in _machines)
        {
            machine.Step(now, _scenario.WriteTime, ownBuffer);
            if (!machine.IsFinished) unfinished++;
        }
        _unfinished = unfinished;
        if (unfinished > 0) _events.Schedule(now + _scenario.PollInterval, PollMachines);
    }

    private FleetResult Figures(double wallSeconds)
    {
        int recovered = 0, verified = 0;
        bool allAcknowledged = true, allHeld = true;
        TimeSpan lastAck = TimeSpan.Zero, lastHeld = TimeSpan.Zero;
        long rejected = 0, decodesRejected = 0;
        foreach (ModelMachine m in _machines)
        {
            rejected += m.Session.ImagesRejected;
            decodesRejected += m.Session.DecodesRejected;
            if (m.AcknowledgedAt is { } ack && m.Session.ResultAcknowledged)
            {
                recovered++;
                if (ack > lastAck) lastAck = ack;
            }
            else
            {
                allAcknowledged = false;
            }
            if (m.Session.LastVerdict.IsAccepted) verified++;
            if (m.AllHeldAt is { } held) { if (held > lastHeld) lastHeld = held; }
            else allHeld = false;
        }

        long sessionBytes = 0, dataBytes = 0, parityBytes = 0, manifestBytes = 0;
        int sessions = 0, repairRounds = 0, statusRounds = 0;
        TimeSpan? firstData = null;
        foreach (ImageSession session in Donor.Sessions)
        {
            sessions++;
            sessionBytes += session.DataBytesSent + session.ManifestBytesSent + session.ParityBytesSent;
            dataBytes += session.DataBytesSent;
            parityBytes += session.ParityBytesSent;
            manifestBytes += session.ManifestBytesSent;
            repairRounds += session.RepairRounds;
            statusRounds += (int)session.Round;
            if (session.FirstDataAt != TimeSpan.MinValue && (firstData is null || session.FirstDataAt < firstData)) firstData = session.FirstDataAt;
        }
        int perRoundMax = 0, roundsWithStatus = 0;
        long statusTotal = 0, unsolicited = 0, inRounds = 0;
        foreach (var (key, count) in _donor.StatusPerRound)
        {
            statusTotal += count;
            if (key.Round == 0)
            {
                unsolicited += count;
                continue;
            }
            roundsWithStatus++;
            inRounds += count;
            perRoundMax = Math.Max(perRoundMax, count);
        }
        bool intact = _shared is null || _shared.Image.AsSpan().SequenceEqual(Image);
        return new FleetResult(_machines.Length, recovered, verified, allAcknowledged ? lastAck.TotalSeconds : null, allHeld ? lastHeld.TotalSeconds : null,
            allHeld && firstData is { } f ? (lastHeld - f).TotalSeconds : null, Image.Length,
            sessionBytes / (double)Image.Length, dataBytes / (double)Image.Length, parityBytes / (double)Image.Length, manifestBytes / (double)Image.Length,
            _network.DonorWireBytes / (double)Image.Length,
            sessions, repairRounds, statusRounds, perRoundMax, roundsWithStatus == 0 ? 0 : inRounds / (double)roundsWithStatus, statusTotal, unsolicited,
            _network.SwitchDropsTowardMachines, _network.SwitchDropsTowardDonor, _network.LinkLossesTowardMachines, _network.LinkLossesTowardDonor,
            _network.ReceiveQueueDrops, _network.DonorQueuePeakBytes, rejected, decodesRejected, intact, wallSeconds,
            _donor.StatusHandled == 0 ? 0 : _donor.StatusHandlingSeconds * 1e6 / _donor.StatusHandled, Simplifications(),
            Rejects(), _proactiveShare, NeedsPerRoundMax(), LateJoiners());
    }

    // Members that joined a session after its pass 0 began (their REQUEST, OFFER or ACCEPT was lost, or dropped at
    // the donor's port): they missed the start of pass 0 and are short after it whatever the parity.
    private int LateJoiners()
    {
        int late = 0;
        foreach (ImageSession session in Donor.Sessions)
            foreach (SessionClient client in session.Clients)
                if (session.FirstDataAt != TimeSpan.MinValue && client.JoinedAt > session.FirstDataAt) late++;
        return late;
    }

    // Most STATUS listing needs (not COMPLETE) in one status round (round 0, unsolicited, not counted).
    private int NeedsPerRoundMax()
    {
        int max = 0;
        foreach (var (key, count) in _donor.NeedsPerRound) if (key.Round != 0) max = Math.Max(max, count);
        return max;
    }

    // The donor's reject reasons in a stable order (the same for the same seed).
    private SortedDictionary<string, long> Rejects()
    {
        var rejects = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (reason, count) in Donor.RejectReasons) rejects[reason] = count;
        return rejects;
    }

    /// <summary>What this run does not model, in words (the plan command prints them).</summary>
    private List<string> Simplifications()
    {
        var notes = new List<string>
        {
            "CPU time is not modelled: the donor handles each datagram the moment it arrives, a machine at its next poll (every "
                + _scenario.PollInterval.TotalMilliseconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) + " ms)",
            "the image is random bytes checked byte for byte, not a signed capsule (no signature check, no flash write"
                + (_scenario.WriteTime > TimeSpan.Zero ? ": a fixed write time per machine instead)" : ")"),
            "one switch, every machine on its own port; the donor's send queue never drops (a blocking socket)",
            "manifest hashes computed once per fragment for all machines (the same bytes give the same hash)",
        };
        if (_shared is not null)
            notes.Add("all machines assemble into one shared image buffer (what each holds is still its own); the buffer is checked against the image at the end");
        return notes;
    }
}
