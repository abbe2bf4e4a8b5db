using System;
using System.Collections.Generic;
using System.Net;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Manager.Serving.Instructions;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

/// <summary>One instruction's life (docs/operating.md §8.8): every transition, what is ignored, and the timeout of each step.</summary>
public sealed class InstructionTests
{
    private const ulong Id = 0x1122334455667788;
    private const ulong Counter = 1796551234567;
    private const ulong Mac = 0x525400123456;
    private const ulong OtherMac = 0x525400123457;
    private static readonly SystemUuid Uuid = new(0x5ee6d83b8a3c4b53, 0x9f3d1c7f0e2a6b41);
    private static readonly SystemUuid OtherUuid = new(0x5ee6d83b8a3c4b53, 0x9f3d1c7f0e2a6b42);
    private static readonly TimeSpan T0 = TimeSpan.FromSeconds(1000);
    private static readonly InstructionTimeouts Timeouts = new();

    private static Instruction NewInstruction() =>
        new(Id, Counter, Mac, Uuid, new IPEndPoint(IPAddress.Loopback, 40125), new byte[648], Timeouts, T0);

    private static AgentReportMessage Report(AgentState state, ulong id = Id, ulong mac = Mac, ulong counter = Counter, AgentFailure failure = AgentFailure.None) =>
        new(id, counter, mac, state, Uuid, failure, 4);

    private static ReadinessMessage Readiness(ulong mac = Mac, SystemUuid? uuid = null) => new(Id, mac, uuid ?? Uuid, default, 0x10001, 0);

    /// <summary>Drives a new instruction to <paramref name="state"/> the ordinary way, one second per step.</summary>
    private static Instruction At(InstructionState state)
    {
        var i = NewInstruction();
        if (state >= InstructionState.Acknowledged) Assert.Null(i.OnAgentReport(Report(AgentState.Rebooting), "old", T0 + TimeSpan.FromSeconds(1)));
        if (state >= InstructionState.Ready) Assert.Null(i.OnReadiness(Readiness(), T0 + TimeSpan.FromSeconds(2)));
        if (state >= InstructionState.Receiving) Assert.True(i.OnRecoveryMessage(Mac, T0 + TimeSpan.FromSeconds(3)));
        if (state >= InstructionState.Written) Assert.True(i.OnResult(Mac, ResultOutcome.Success, ResultReason.None, 0x10002, T0 + TimeSpan.FromSeconds(4)));
        if (state >= InstructionState.Done) Assert.Null(i.OnAgentReport(Report(AgentState.Running), "new", T0 + TimeSpan.FromSeconds(5)));
        Assert.Equal(state, i.State);
        return i;
    }

    [Fact]
    public void Life_EveryStepInOrder_DoneWithTimesVersionsAndFirmware()
    {
        Instruction i = At(InstructionState.Done);
        Assert.True(i.IsEnded);
        Assert.Equal(T0, i.EnteredAt(InstructionState.Sent));
        Assert.Equal(T0 + TimeSpan.FromSeconds(1), i.EnteredAt(InstructionState.Acknowledged));
        Assert.Equal(T0 + TimeSpan.FromSeconds(2), i.EnteredAt(InstructionState.Ready));
        Assert.Equal(T0 + TimeSpan.FromSeconds(3), i.EnteredAt(InstructionState.Receiving));
        Assert.Equal(T0 + TimeSpan.FromSeconds(4), i.EnteredAt(InstructionState.Written));
        Assert.Equal(T0 + TimeSpan.FromSeconds(5), i.EnteredAt(InstructionState.Done));
        Assert.Equal("old", i.FirmwareBefore);
        Assert.Equal("new", i.FirmwareAfter);
        Assert.Equal((ushort)4, i.BootEntry);
        Assert.Equal(0x10001u, i.ReadyVersion);
        Assert.Equal(0x10002u, i.ResultVersion);
        Assert.Null(i.Deadline);
        Assert.Null(i.Failure);
    }

    [Fact]
    public void OnAgentReport_FailedWhileSent_FailedInSentWithTheAgentFailureName()
    {
        var i = NewInstruction();
        Assert.Null(i.OnAgentReport(Report(AgentState.Failed, failure: AgentFailure.NoEfivarfs), "fw", T0 + TimeSpan.FromSeconds(1)));
        Assert.Equal(InstructionState.Failed, i.State);
        Assert.Equal(InstructionState.Sent, i.FailedIn);
        Assert.Equal("NoEfivarfs", i.Failure);
    }

    [Fact]
    public void OnReadiness_AgentReportLost_ReadyStraightFromSent()
    {
        var i = NewInstruction();
        Assert.Null(i.OnReadiness(Readiness(), T0 + TimeSpan.FromSeconds(30)));
        Assert.Equal(InstructionState.Ready, i.State);
        Assert.Null(i.EnteredAt(InstructionState.Acknowledged));
    }

    [Fact]
    public void OnResult_FailureWhileReceiving_FailedInReceivingWithTheReason()
    {
        Instruction i = At(InstructionState.Receiving);
        Assert.True(i.OnResult(Mac, ResultOutcome.Failure, ResultReason.SignatureInvalid, 0x10001, T0 + TimeSpan.FromSeconds(9)));
        Assert.Equal(InstructionState.Failed, i.State);
        Assert.Equal(InstructionState.Receiving, i.FailedIn);
        Assert.Equal("RESULT SignatureInvalid", i.Failure);
    }

    [Fact]
    public void OnSessionEnded_WhileReceiving_FailedWithTheSessionsReason()
    {
        Instruction i = At(InstructionState.Receiving);
        Assert.True(i.OnSessionEnded(Mac, "session: timed out", T0 + TimeSpan.FromSeconds(9)));
        Assert.Equal(InstructionState.Failed, i.State);
        Assert.Equal("session: timed out", i.Failure);
    }

    // Input, and the state it comes in: each is not this instruction's, or does not move it forward.
    public static TheoryData<string, InstructionState> IgnoredInputs => new()
    {
        { "report-other-mac", InstructionState.Sent },
        { "report-other-counter", InstructionState.Sent },
        { "running-before-written", InstructionState.Sent },
        { "running-before-written", InstructionState.Receiving },
        { "rebooting-again", InstructionState.Acknowledged },
        { "failed-after-ack", InstructionState.Acknowledged },
        { "readiness-other-mac", InstructionState.Acknowledged },
        { "readiness-other-uuid", InstructionState.Acknowledged },
        { "readiness-again", InstructionState.Receiving },
        { "request-other-mac", InstructionState.Ready },
        { "request-before-ready", InstructionState.Acknowledged },
        { "result-other-mac", InstructionState.Receiving },
        { "result-before-ready", InstructionState.Acknowledged },
        { "session-ended-other-mac", InstructionState.Receiving },
        { "anything-after-done", InstructionState.Done },
    };

    [Theory]
    [MemberData(nameof(IgnoredInputs))]
    public void Input_ForeignOrNotForward_StateAndTimesUnchanged(string input, InstructionState state)
    {
        Instruction i = At(state);
        TimeSpan since = i.StateSince;
        TimeSpan later = T0 + TimeSpan.FromSeconds(20);
        bool moved = input switch
        {
            "report-other-mac" => i.OnAgentReport(Report(AgentState.Rebooting, mac: OtherMac), "x", later) is null,
            "report-other-counter" => i.OnAgentReport(Report(AgentState.Rebooting, counter: Counter - 1), "x", later) is null,
            "running-before-written" => i.OnAgentReport(Report(AgentState.Running), "x", later) is null,
            "rebooting-again" => i.OnAgentReport(Report(AgentState.Rebooting), "x", later) is null,
            "failed-after-ack" => i.OnAgentReport(Report(AgentState.Failed, failure: AgentFailure.Other), "x", later) is null,
            "readiness-other-mac" => i.OnReadiness(Readiness(mac: OtherMac), later) is null,
            "readiness-other-uuid" => i.OnReadiness(Readiness(uuid: OtherUuid), later) is null,
            "readiness-again" => i.OnReadiness(Readiness(), later) is null,
            "request-other-mac" => i.OnRecoveryMessage(OtherMac, later),
            "request-before-ready" => i.OnRecoveryMessage(Mac, later),
            "result-other-mac" => i.OnResult(OtherMac, ResultOutcome.Success, ResultReason.None, 1, later),
            "result-before-ready" => i.OnResult(Mac, ResultOutcome.Success, ResultReason.None, 1, later),
            "session-ended-other-mac" => i.OnSessionEnded(OtherMac, "x", later),
            "anything-after-done" => i.OnAgentReport(Report(AgentState.Failed, failure: AgentFailure.Other), "x", later) is null
                || i.OnReadiness(Readiness(), later) is null || i.OnResult(Mac, ResultOutcome.Failure, ResultReason.Timeout, 1, later),
            _ => throw new ArgumentOutOfRangeException(nameof(input)),
        };
        Assert.False(moved);
        Assert.Equal(state, i.State);
        Assert.Equal(since, i.StateSince);
        Assert.Null(i.Failure);
    }

    // Each step's limit (defaults) and what its timeout says it waited for.
    public static TheoryData<InstructionState, int, string> StepTimeouts => new()
    {
        { InstructionState.Sent, 30, "the agent's report" },
        { InstructionState.Acknowledged, 600, "READINESS" },
        { InstructionState.Ready, 300, "a REQUEST this manager offered an image for, or an ACCEPT" },
        { InstructionState.Receiving, 3600, "a RESULT" },
        { InstructionState.Written, 600, "the agent's running report" },
    };

    [Theory]
    [MemberData(nameof(StepTimeouts))]
    public void Tick_StepOverItsLimit_FailedInThatStepNotBefore(InstructionState state, int seconds, string awaited)
    {
        Instruction i = At(state);
        TimeSpan limit = i.StateSince + TimeSpan.FromSeconds(seconds);
        Assert.Equal(limit, i.Deadline);
        Assert.False(i.Tick(limit - TimeSpan.FromMilliseconds(1)));
        Assert.Equal(state, i.State);
        Assert.True(i.Tick(limit));
        Assert.Equal(InstructionState.Failed, i.State);
        Assert.Equal(state, i.FailedIn);
        Assert.Contains("timed out after " + seconds + " s without " + awaited, i.Failure, StringComparison.Ordinal);
        Assert.False(i.Tick(limit + TimeSpan.FromHours(1))); // ended: nothing more
    }

    [Fact]
    public void SendDue_WhileSent_EveryTwoSecondsAndNeverAfterTheReport()
    {
        var i = NewInstruction();
        Assert.True(i.SendDue(T0));
        i.MarkSent(T0);
        Assert.False(i.SendDue(T0 + TimeSpan.FromSeconds(1.9)));
        Assert.True(i.SendDue(T0 + TimeSpan.FromSeconds(2)));
        i.MarkSent(T0 + TimeSpan.FromSeconds(2));
        i.OnAgentReport(Report(AgentState.Rebooting), "", T0 + TimeSpan.FromSeconds(3));
        Assert.False(i.SendDue(T0 + TimeSpan.FromSeconds(10)));
        Assert.Equal(2, i.Sends);
    }

    [Theory]
    [InlineData("ack=5,ready=60,receiving=7,written=8,back=9", 5, 60, 7, 8, 9)]
    [InlineData("ready=1.5", 30, 1.5, 300, 3600, 600)]
    [InlineData("", 30, 600, 300, 3600, 600)]
    public void TimeoutsTryParse_Spec_EachStepSet(string spec, double ack, double ready, double receiving, double written, double back)
    {
        Assert.True(InstructionTimeouts.TryParse(spec, out InstructionTimeouts t, out string error), error);
        Assert.Equal(new[] { ack, ready, receiving, written, back },
            new[] { t.Ack.TotalSeconds, t.Ready.TotalSeconds, t.Receiving.TotalSeconds, t.Written.TotalSeconds, t.Back.TotalSeconds });
    }

    [Theory]
    [InlineData("ack")]
    [InlineData("ack=0")]
    [InlineData("ack=-1")]
    [InlineData("boot=5")]
    [InlineData("ack=100000")]
    public void TimeoutsTryParse_BadSpec_RefusedWithTheStep(string spec)
    {
        Assert.False(InstructionTimeouts.TryParse(spec, out _, out string error));
        Assert.StartsWith("--instruction-timeouts: ", error, StringComparison.Ordinal);
    }
}
