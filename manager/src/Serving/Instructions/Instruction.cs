using System;
using System.Net;
using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Manager.Serving.Instructions;

/// <summary>
/// One manager-initiated recovery, followed from its signed datagram to the machine's OS coming back
/// (docs/operating.md §8.8). Every input is a claim from the network: AGENT_REPORT and READINESS are
/// unauthenticated (docs/protocol.md §4.12, §4.13), and a REQUEST's MAC is whatever its sender wrote. So an
/// input counts only for this instruction's own id, MAC (and counter, UUID where the message carries them),
/// and only moves the state forward: a forger can make the display run ahead or fail, never make the manager
/// send, sign or write anything. Time is the engine's monotonic clock, passed in. Not thread-safe: the
/// <see cref="InstructionBook"/> serialises access.
/// </summary>
public sealed class Instruction
{
    /// <summary>Resend interval while the agent has not reported (a copy after the first taken is a replay to it: logged, dropped).</summary>
    public static readonly TimeSpan ResendInterval = TimeSpan.FromSeconds(2);

    private readonly TimeSpan?[] _entered = new TimeSpan?[(int)InstructionState.Failed + 1];
    private readonly InstructionTimeouts _timeouts;
    private TimeSpan _nextSendAt;

    public Instruction(ulong id, ulong counter, ulong mac, SystemUuid uuid, IPEndPoint agent, byte[] datagram, InstructionTimeouts timeouts, TimeSpan now)
    {
        Id = id;
        Counter = counter;
        Mac = mac;
        Uuid = uuid;
        Agent = agent;
        Datagram = datagram;
        _timeouts = timeouts;
        State = InstructionState.Sent;
        _entered[(int)InstructionState.Sent] = now;
        _nextSendAt = now;
    }

    public ulong Id { get; }
    public ulong Counter { get; }
    public ulong Mac { get; }
    public SystemUuid Uuid { get; }
    public IPEndPoint Agent { get; }

    /// <summary>The signed RECOVERY_INSTRUCTION, sent to <see cref="Agent"/> until it reports.</summary>
    public byte[] Datagram { get; }

    public InstructionState State { get; private set; }
    public bool IsEnded => State is InstructionState.Done or InstructionState.Failed;

    /// <summary>When it entered its current state.</summary>
    public TimeSpan StateSince => _entered[(int)State]!.Value;

    /// <summary>The state it failed in (a timeout there, or the failure reported there); null unless failed.</summary>
    public InstructionState? FailedIn { get; private set; }

    /// <summary>Why it failed: the agent's AgentFailure name, the RESULT's reason, the session's end, or "timed out".</summary>
    public string? Failure { get; private set; }

    /// <summary>Firmware version text of the agent's rebooting report (before) and of its running report (after).</summary>
    public string? FirmwareBefore { get; private set; }
    public string? FirmwareAfter { get; private set; }

    /// <summary>The Boot#### number the agent used, if it said.</summary>
    public ushort? BootEntry { get; private set; }

    /// <summary>The FMP version the machine's RESULT reported, and the one READINESS reported before the write.</summary>
    public uint? ResultVersion { get; private set; }
    public uint? ReadyVersion { get; private set; }

    /// <summary>The request's ifOlderThan, and what the inventory said then (known version, or why unknown).</summary>
    public uint? IfOlderThan { get; init; }
    public string? VersionCheck { get; init; }

    /// <summary>How many times the datagram was sent.</summary>
    public int Sends { get; private set; }

    /// <summary>When it entered <paramref name="state"/>, or null if it never did.</summary>
    public TimeSpan? EnteredAt(InstructionState state) => _entered[(int)state];

    /// <summary>When the current state times out; null once ended.</summary>
    public TimeSpan? Deadline => _timeouts.For(State) is { } limit ? StateSince + limit : null;

    /// <summary>When the datagram is due (again); null once the agent reported or it ended.</summary>
    public TimeSpan? NextSendAt => State == InstructionState.Sent ? _nextSendAt : null;

    /// <summary>True when the datagram is due (again) now; the caller sends it and calls <see cref="MarkSent"/>.</summary>
    public bool SendDue(TimeSpan now) => State == InstructionState.Sent && now >= _nextSendAt;

    public void MarkSent(TimeSpan now)
    {
        Sends++;
        _nextSendAt = now + ResendInterval;
    }

    /// <summary>An AGENT_REPORT naming this id: rebooting acknowledges, failed fails (both only while sent), running after the write closes it.</summary>
    public string? OnAgentReport(in AgentReportMessage report, string firmware, TimeSpan now)
    {
        if (report.MacAddress != Mac) return "wrong-mac";
        if (report.Counter != 0 && report.Counter != Counter) return "wrong-counter";
        if (IsEnded) return "ended";
        switch (report.State)
        {
            case AgentState.Rebooting when State == InstructionState.Sent:
                FirmwareBefore = firmware;
                if (report.BootEntry != AgentReportMessage.NoBootEntry) BootEntry = report.BootEntry;
                Enter(InstructionState.Acknowledged, now);
                return null;
            case AgentState.Failed when State == InstructionState.Sent:
                FirmwareBefore = firmware;
                Fail(report.Failure.ToString(), now);
                return null;
            case AgentState.Running when State == InstructionState.Written:
                FirmwareAfter = firmware;
                Enter(InstructionState.Done, now);
                return null;
            default:
                // A repeated or late report, or "running" before any RESULT (the machine came back without writing:
                // its step times out and says where).
                return "not-forward";
        }
    }

    /// <summary>READINESS with this id: counts for this MAC and UUID, before the recovery started.</summary>
    public string? OnReadiness(in ReadinessMessage readiness, TimeSpan now)
    {
        if (readiness.MacAddress != Mac) return "wrong-mac";
        if (!readiness.SystemUuid.Equals(Uuid)) return "wrong-uuid";
        if (IsEnded) return "ended";
        // A lost AGENT_REPORT is not repeated (§4.13): READINESS may come straight after "sent".
        if (State > InstructionState.Acknowledged) return "not-forward";
        ReadyVersion = readiness.CurrentVersion;
        Enter(InstructionState.Ready, now);
        return null;
    }

    /// <summary>A REQUEST that was answered with an OFFER, or an ACCEPT, from <paramref name="mac"/>: the recovery started. True when it moved the state.</summary>
    public bool OnRecoveryMessage(ulong mac, TimeSpan now)
    {
        if (mac != Mac || State != InstructionState.Ready) return false;
        Enter(InstructionState.Receiving, now);
        return true;
    }

    /// <summary>A member's RESULT from <paramref name="mac"/> (token-proven by the session): success → written, failure → failed.</summary>
    public bool OnResult(ulong mac, ResultOutcome outcome, ResultReason reason, uint firmwareVersion, TimeSpan now)
    {
        if (mac != Mac || State is not (InstructionState.Ready or InstructionState.Receiving)) return false;
        ResultVersion = firmwareVersion;
        if (outcome == ResultOutcome.Success) Enter(InstructionState.Written, now);
        else Fail("RESULT " + reason, now);
        return true;
    }

    /// <summary>The session dropped or lost <paramref name="mac"/> (timeout, ABORT): the write will not come.</summary>
    public bool OnSessionEnded(ulong mac, string why, TimeSpan now)
    {
        if (mac != Mac || State != InstructionState.Receiving) return false;
        Fail(why, now);
        return true;
    }

    /// <summary>Fails it when its state's time is up; true when it did so now.</summary>
    public bool Tick(TimeSpan now)
    {
        if (Deadline is not { } deadline || now < deadline) return false;
        Fail("timed out after " + (now - StateSince).TotalSeconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture) + " s without " + Awaited(State), now);
        return true;
    }

    // What each state waits for, for the timeout's reason.
    private static string Awaited(InstructionState state) => state switch
    {
        InstructionState.Sent => "the agent's report",
        InstructionState.Acknowledged => "READINESS",
        InstructionState.Ready => "a REQUEST this manager offered an image for, or an ACCEPT",
        InstructionState.Receiving => "a RESULT",
        _ => "the agent's running report",
    };

    private void Enter(InstructionState state, TimeSpan now)
    {
        State = state;
        _entered[(int)state] = now;
    }

    private void Fail(string why, TimeSpan now)
    {
        FailedIn = State;
        Failure = why;
        Enter(InstructionState.Failed, now);
    }
}
