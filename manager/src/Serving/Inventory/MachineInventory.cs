using System;
using System.Collections.Generic;
using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Manager.Serving.Inventory;

/// <summary>
/// The machines `serve` has heard of, by MAC (docs/operating.md §8.9): what their agents claim at start (AGENT_REPORT
/// running with instruction id 0: UUID, firmware version text) and what their own RESULT said they installed (proven by
/// the member token, so it is preferred). It only informs: `POST /instructions` with <c>ifOlderThan</c> reads it, and
/// nothing here makes serve send anything. Bounded: at most <see cref="Capacity"/> machines, the least recently heard
/// forgotten first. One lock: the engine writes, the status snapshot and the HTTP API read. Time is the engine's clock.
/// </summary>
public sealed class MachineInventory(int capacity = MachineInventory.DefaultCapacity)
{
    public const int DefaultCapacity = 4096;

    private readonly object _gate = new();
    private readonly Dictionary<ulong, LinkedListNode<KnownMachine>> _byMac = new();
    // Least recently heard first.
    private readonly LinkedList<KnownMachine> _byAge = new();

    public int Capacity { get; } = capacity;

    public int Count
    {
        get { lock (_gate) return _byMac.Count; }
    }

    /// <summary>An agent's claim: this MAC is the machine <paramref name="uuid"/> running <paramref name="versionText"/>.</summary>
    public void OnAgentReport(ulong mac, SystemUuid uuid, string versionText, TimeSpan now)
    {
        lock (_gate)
        {
            KnownMachine machine = Touch(mac, now);
            machine.Uuid = uuid;
            machine.VersionText = versionText;
            machine.ReportedVersion = RecoveredVersion.TryRead(versionText, out uint version) ? version : null;
            machine.ReportedAt = now;
        }
    }

    /// <summary>A member's RESULT success: the firmware version it says it runs now, proven by its token.</summary>
    public void OnResult(ulong mac, uint firmwareVersion, TimeSpan now)
    {
        lock (_gate)
        {
            KnownMachine machine = Touch(mac, now);
            machine.ResultVersion = firmwareVersion;
            machine.ResultAt = now;
        }
    }

    /// <summary>What is known of <paramref name="mac"/>, or null.</summary>
    public MachineStatus? Find(ulong mac, Func<TimeSpan, DateTimeOffset> wall)
    {
        lock (_gate) return _byMac.TryGetValue(mac, out LinkedListNode<KnownMachine>? node) ? MachineStatus.Of(node.Value, wall) : null;
    }

    /// <summary>Every machine, most recently heard first.</summary>
    public List<MachineStatus> Snapshot(Func<TimeSpan, DateTimeOffset> wall)
    {
        var list = new List<MachineStatus>();
        lock (_gate)
            for (LinkedListNode<KnownMachine>? node = _byAge.Last; node is not null; node = node.Previous) list.Add(MachineStatus.Of(node.Value, wall));
        return list;
    }

    // Under the lock: the machine's entry, made the most recently heard (a new one may push out the oldest).
    private KnownMachine Touch(ulong mac, TimeSpan now)
    {
        if (_byMac.TryGetValue(mac, out LinkedListNode<KnownMachine>? node))
        {
            _byAge.Remove(node);
        }
        else
        {
            if (_byMac.Count >= Capacity)
            {
                _byMac.Remove(_byAge.First!.Value.Mac);
                _byAge.RemoveFirst();
            }
            node = new LinkedListNode<KnownMachine>(new KnownMachine(mac));
            _byMac.Add(mac, node);
        }
        _byAge.AddLast(node);
        node.Value.LastSeen = now;
        return node.Value;
    }
}

/// <summary>One inventory entry (mutable, under the inventory's lock only).</summary>
internal sealed class KnownMachine(ulong mac)
{
    public ulong Mac { get; } = mac;
    public SystemUuid? Uuid { get; set; }
    public string? VersionText { get; set; }
    public uint? ReportedVersion { get; set; }
    public TimeSpan? ReportedAt { get; set; }
    public uint? ResultVersion { get; set; }
    public TimeSpan? ResultAt { get; set; }
    public TimeSpan LastSeen { get; set; }
}
