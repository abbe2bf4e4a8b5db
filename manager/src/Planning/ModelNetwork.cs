using System;
using System.Net;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Manager.Serving.Sessions;

namespace UefiRecovery.Manager.Planning;

/// <summary>
/// The fleet model's LAN: the donor and every machine on one switch. A datagram is serialized on the sender's port
/// at that port's rate (Ethernet, IP and UDP overhead included), queued at the switch's egress port toward its
/// receiver (dropped when that queue's buffer is full: the donor's bursts toward the machines' slower ports, many
/// machines' answers toward the donor's port), and arrives one latency later; each machine's link then loses it
/// with that machine's own seeded loss (independent or bursty), in each direction. A group datagram (broadcast,
/// multicast) is one frame on every machine port at once, so their egress queues are the same and modelled as one.
/// </summary>
public sealed class ModelNetwork
{
    /// <summary>Ethernet header and FCS (18), IPv4 (20) and UDP (8) headers around a datagram's payload.</summary>
    public const int HeaderBytes = 46;

    /// <summary>Preamble, start delimiter and inter-frame gap: on the wire but in no frame.</summary>
    public const int GapBytes = 20;

    public static readonly DatagramEndpoint DonorEndpoint = new(0x0A000001, ProtocolConstants.DonorPort);

    /// <summary>10.0.255.255: the machines' subnet broadcast, where the donor sends a session's DATA.</summary>
    public const uint SubnetBroadcast = 0x0A00FFFF;

    private const uint FirstMachineAddress = 0x0A000100;

    private readonly FleetScenario _scenario;
    private readonly VirtualClock _clock;
    private readonly EventQueue _events;
    private readonly double _linkBytesPerSecond;
    private readonly double _donorLinkBytesPerSecond;
    private ModelMachine[] _machines = Array.Empty<ModelMachine>();
    private ModelDonor? _donor;
    // When each sender's port and each switch egress queue is next free (seconds of model time).
    private double _donorNicFreeAt;
    private double _groupEgressFreeAt;
    private double _donorEgressFreeAt;
    private double[] _machineEgressFreeAt = Array.Empty<double>();
    private double[] _machineNicFreeAt = Array.Empty<double>();

    public ModelNetwork(FleetScenario scenario, VirtualClock clock, EventQueue events)
    {
        _scenario = scenario;
        _clock = clock;
        _events = events;
        _linkBytesPerSecond = scenario.LinkMbitPerSecond * 1e6 / 8;
        _donorLinkBytesPerSecond = scenario.DonorLinkMbitPerSecond * 1e6 / 8;
    }

    public static uint AddressOf(int machine) => FirstMachineAddress + (uint)machine;

    /// <summary>Datagrams (and their UDP payload bytes) the donor put on its port.</summary>
    public long DonorDatagrams { get; private set; }
    public long DonorPayloadBytes { get; private set; }

    /// <summary>Bytes on the donor's wire, every header and gap included.</summary>
    public long DonorWireBytes { get; private set; }

    /// <summary>Datagrams the machines sent toward the donor, and their payload bytes.</summary>
    public long MachineDatagrams { get; private set; }
    public long MachinePayloadBytes { get; private set; }

    /// <summary>Datagrams the switch dropped for a full egress buffer: toward the machines (a whole group datagram counts once), toward the donor.</summary>
    public long SwitchDropsTowardMachines { get; private set; }
    public long SwitchDropsTowardDonor { get; private set; }

    /// <summary>Datagram copies the machines' links lost, in each direction.</summary>
    public long LinkLossesTowardMachines { get; private set; }
    public long LinkLossesTowardDonor { get; private set; }

    /// <summary>Datagrams a machine could not queue (its receive queue was full when it arrived).</summary>
    public long ReceiveQueueDrops { get; private set; }

    /// <summary>Deepest the donor port's send queue got, in bytes (a pacer rate above the link's goodput shows here).</summary>
    public double DonorQueuePeakBytes { get; private set; }

    public void Attach(ModelDonor donor, ModelMachine[] machines)
    {
        _donor = donor;
        _machines = machines;
        _machineEgressFreeAt = new double[machines.Length];
        _machineNicFreeAt = new double[machines.Length];
    }

    private static int WireBytes(int payload) => Math.Max(64, payload + HeaderBytes) + GapBytes;

    private double Now => _clock.Now.TotalSeconds;

    private TimeSpan ArrivalAfter(double egressDone) => TimeSpan.FromSeconds(egressDone) + _scenario.Latency;

    /// <summary>A datagram the donor sends now to <paramref name="destination"/> (a group address, or one machine).</summary>
    public void FromDonor(ReadOnlySpan<byte> datagram, IPEndPoint destination)
    {
        uint address = DonorIdentity.AddressToWire(destination.Address);
        bool group = IsGroup(address);
        int machine = group ? -1 : (int)(address - FirstMachineAddress);
        if (!group && (address < FirstMachineAddress || machine >= _machines.Length)) return; // nobody there
        int wire = WireBytes(datagram.Length);
        DonorDatagrams++;
        DonorPayloadBytes += datagram.Length;
        DonorWireBytes += wire;
        // The donor's port: a send queue that holds what the pacer let out faster than the link carries it (a blocking
        // socket with a large buffer: nothing is dropped there).
        double start = Math.Max(Now, _donorNicFreeAt);
        DonorQueuePeakBytes = Math.Max(DonorQueuePeakBytes, (start - Now) * _donorLinkBytesPerSecond);
        _donorNicFreeAt = start + wire / _donorLinkBytesPerSecond;
        double atSwitch = _donorNicFreeAt;
        var frame = new ModelFrame(datagram.ToArray(), DonorEndpoint);
        if (group)
        {
            if (!TryQueue(ref _groupEgressFreeAt, atSwitch, wire, _linkBytesPerSecond))
            {
                SwitchDropsTowardMachines++;
                return;
            }
            _events.Schedule(ArrivalAfter(_groupEgressFreeAt), () => DeliverToGroup(frame, address));
            return;
        }
        if (!TryQueue(ref _machineEgressFreeAt[machine], atSwitch, wire, _linkBytesPerSecond))
        {
            SwitchDropsTowardMachines++;
            return;
        }
        _events.Schedule(ArrivalAfter(_machineEgressFreeAt[machine]), () => DeliverToMachine(machine, frame));
    }

    /// <summary>A datagram machine <paramref name="machine"/> sends now; only the donor (or a broadcast it hears) receives.</summary>
    public void FromMachine(int machine, in DatagramEndpoint destination, ReadOnlySpan<byte> datagram)
    {
        if (!(destination.Matches(DonorEndpoint) || (IsBroadcast(destination.Address) && destination.Port == DonorEndpoint.Port))) return;
        int wire = WireBytes(datagram.Length);
        MachineDatagrams++;
        MachinePayloadBytes += datagram.Length;
        ModelMachine sender = _machines[machine];
        if (_scenario.UplinkFilter?.Invoke(machine, datagram) == true || sender.LoseUp())
        {
            LinkLossesTowardDonor++;
            return;
        }
        double start = Math.Max(Now, _machineNicFreeAt[machine]);
        _machineNicFreeAt[machine] = start + wire / _linkBytesPerSecond;
        if (!TryQueue(ref _donorEgressFreeAt, _machineNicFreeAt[machine], wire, _donorLinkBytesPerSecond))
        {
            SwitchDropsTowardDonor++;
            return;
        }
        var frame = new ModelFrame(datagram.ToArray(), new DatagramEndpoint(sender.Address, ProtocolConstants.ClientPort));
        _events.Schedule(ArrivalAfter(_donorEgressFreeAt), () => _donor!.Receive(frame, sender.EndPoint));
    }

    /// <summary>Queues <paramref name="wire"/> bytes arriving at <paramref name="arrival"/> at an egress port; false when its buffer is full.</summary>
    private bool TryQueue(ref double freeAt, double arrival, int wire, double bytesPerSecond)
    {
        double backlog = Math.Max(0, freeAt - arrival) * bytesPerSecond;
        if (backlog + wire > _scenario.SwitchBufferBytes) return false;
        freeAt = Math.Max(arrival, freeAt) + wire / bytesPerSecond;
        return true;
    }

    private void DeliverToGroup(ModelFrame frame, uint group)
    {
        bool multicast = IsMulticast(group);
        foreach (ModelMachine machine in _machines)
        {
            if (!machine.IsListening || (multicast && machine.Transport.JoinedGroup != group)) continue;
            Deliver(machine, frame);
        }
    }

    private void DeliverToMachine(int machine, ModelFrame frame)
    {
        if (_machines[machine].IsListening) Deliver(_machines[machine], frame);
    }

    private void Deliver(ModelMachine machine, ModelFrame frame)
    {
        if (machine.LoseDown())
        {
            LinkLossesTowardMachines++;
            return;
        }
        if (!machine.Transport.Enqueue(frame)) ReceiveQueueDrops++;
    }

    private static bool IsBroadcast(uint address) => address == DatagramEndpoint.LimitedBroadcast || address == SubnetBroadcast;

    private static bool IsMulticast(uint address) => address >> 28 == 0xE;

    private static bool IsGroup(uint address) => IsBroadcast(address) || IsMulticast(address);
}
