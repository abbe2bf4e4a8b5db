using System;
using System.Collections.Generic;
using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Manager.Serving.Instructions;

/// <summary>
/// The instructions `serve` follows: added by the HTTP API, moved by the engine's datagrams and clock, read by the
/// status snapshot. Bounded: at most <see cref="MaxOutstanding"/> not yet ended (the API refuses more), and the
/// latest <see cref="MaxEndedKept"/> ended ones kept for the display. One lock; callers pass the engine's time.
/// </summary>
public sealed class InstructionBook(InstructionTimeouts timeouts, int maxOutstanding = InstructionBook.DefaultMaxOutstanding, int maxEndedKept = 64)
{
    public const int DefaultMaxOutstanding = 256;

    private readonly object _gate = new();
    private readonly Dictionary<ulong, Instruction> _byId = new();
    private readonly Queue<ulong> _endedOrder = new();
    private readonly List<InstructionChange> _changes = new();

    public InstructionTimeouts Timeouts { get; } = timeouts;
    public int MaxOutstanding { get; } = maxOutstanding;
    public int MaxEndedKept { get; } = maxEndedKept;

    /// <summary>Instructions not ended yet.</summary>
    public int Outstanding
    {
        get { lock (_gate) return _byId.Count - _endedOrder.Count; }
    }

    /// <summary>Adds a new instruction (state sent); false when <see cref="MaxOutstanding"/> are under way or the id is taken.</summary>
    public bool TryAdd(Instruction instruction)
    {
        lock (_gate)
        {
            if (_byId.Count - _endedOrder.Count >= MaxOutstanding || _byId.ContainsKey(instruction.Id)) return false;
            _byId.Add(instruction.Id, instruction);
            _changes.Add(new InstructionChange(instruction, null));
            return true;
        }
    }

    /// <summary>A snapshot of one instruction, or null if unknown (never added, or ended and forgotten).</summary>
    public InstructionStatus? Find(ulong id, Func<TimeSpan, DateTimeOffset> wall)
    {
        lock (_gate) return _byId.TryGetValue(id, out Instruction? found) ? InstructionStatus.Of(found, wall) : null;
    }

    public List<InstructionStatus> Snapshot(Func<TimeSpan, DateTimeOffset> wall)
    {
        var list = new List<InstructionStatus>();
        lock (_gate) foreach (Instruction instruction in _byId.Values) list.Add(InstructionStatus.Of(instruction, wall));
        list.Sort((a, b) => a.SentAt.CompareTo(b.SentAt));
        return list;
    }

    /// <summary>An AGENT_REPORT: null when it moved its instruction, else why it was ignored (for the reject counts).</summary>
    public string? OnAgentReport(in AgentReportMessage report, string firmware, TimeSpan now)
    {
        lock (_gate)
        {
            if (report.InstructionId == 0) return "no-instruction";
            if (!_byId.TryGetValue(report.InstructionId, out Instruction? instruction)) return "unknown-instruction";
            InstructionState before = instruction.State;
            string? ignored = instruction.OnAgentReport(report, firmware, now);
            Note(instruction, before);
            return ignored;
        }
    }

    /// <summary>A READINESS: null when it moved its instruction, else why it was ignored.</summary>
    public string? OnReadiness(in ReadinessMessage readiness, TimeSpan now)
    {
        lock (_gate)
        {
            if (!_byId.TryGetValue(readiness.InstructionId, out Instruction? instruction)) return "unknown-instruction";
            InstructionState before = instruction.State;
            string? ignored = instruction.OnReadiness(readiness, now);
            Note(instruction, before);
            return ignored;
        }
    }

    /// <summary>A REQUEST or ACCEPT from <paramref name="mac"/>: moves that MAC's ready instruction to receiving.</summary>
    public void OnRecoveryMessage(ulong mac, TimeSpan now) => ForMac(mac, (instruction, at) => instruction.OnRecoveryMessage(mac, at), now);

    /// <summary>A member's RESULT from <paramref name="mac"/>.</summary>
    public void OnResult(ulong mac, ResultOutcome outcome, ResultReason reason, uint firmwareVersion, TimeSpan now) =>
        ForMac(mac, (instruction, at) => instruction.OnResult(mac, outcome, reason, firmwareVersion, at), now);

    /// <summary>The session dropped <paramref name="mac"/>'s membership (timeout, ABORT).</summary>
    public void OnSessionEnded(ulong mac, string why, TimeSpan now) => ForMac(mac, (instruction, at) => instruction.OnSessionEnded(mac, why, at), now);

    /// <summary>Times out what is due and hands each instruction whose datagram is due to <paramref name="send"/> (then marks it sent).</summary>
    public void Tick(TimeSpan now, Action<Instruction> send)
    {
        lock (_gate)
        {
            foreach (Instruction instruction in _byId.Values)
            {
                InstructionState before = instruction.State;
                if (instruction.Tick(now)) Note(instruction, before);
                if (!instruction.SendDue(now)) continue;
                send(instruction);
                instruction.MarkSent(now);
            }
        }
    }

    /// <summary>The earliest deadline or resend of any instruction (the engine sleeps no longer than that).</summary>
    public TimeSpan? NextWake()
    {
        TimeSpan? next = null;
        lock (_gate)
        {
            foreach (Instruction instruction in _byId.Values)
            {
                if (instruction.Deadline is { } deadline && (next is null || deadline < next)) next = deadline;
                if (instruction.NextSendAt is { } resend && (next is null || resend < next)) next = resend;
            }
        }
        return next;
    }

    /// <summary>Moves the changes since the last call (new instructions have a null Before) into <paramref name="into"/>.</summary>
    public void TakeChanges(List<InstructionChange> into)
    {
        lock (_gate)
        {
            into.AddRange(_changes);
            _changes.Clear();
        }
    }

    private void ForMac(ulong mac, Func<Instruction, TimeSpan, bool> apply, TimeSpan now)
    {
        lock (_gate)
        {
            foreach (Instruction instruction in _byId.Values)
            {
                if (instruction.Mac != mac || instruction.IsEnded) continue;
                InstructionState before = instruction.State;
                if (apply(instruction, now)) Note(instruction, before);
            }
        }
    }

    // Called under the lock after every input: records a change and forgets the oldest ended instructions.
    private void Note(Instruction instruction, InstructionState before)
    {
        if (instruction.State == before) return;
        _changes.Add(new InstructionChange(instruction, before));
        if (!instruction.IsEnded) return;
        _endedOrder.Enqueue(instruction.Id);
        while (_endedOrder.Count > MaxEndedKept) _byId.Remove(_endedOrder.Dequeue());
    }
}

/// <summary>An instruction that entered a new state (from <see cref="Before"/>; null when it was just added).</summary>
public readonly record struct InstructionChange(Instruction Instruction, InstructionState? Before);
