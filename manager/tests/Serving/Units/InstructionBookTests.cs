using System;
using System.Collections.Generic;
using System.Net;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Manager.Serving.Instructions;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

/// <summary>The bounded set of instructions serve follows, and how datagrams find (or do not find) theirs.</summary>
public sealed class InstructionBookTests
{
    private const ulong Mac = 0x525400123456;
    private static readonly SystemUuid Uuid = new(1, 2);
    private static readonly TimeSpan T0 = TimeSpan.FromSeconds(10);

    private static Instruction New(ulong id, InstructionBook book, ulong mac = Mac) =>
        new(id, id, mac, Uuid, new IPEndPoint(IPAddress.Loopback, 40125), new byte[648], book.Timeouts, T0);

    [Fact]
    public void TryAdd_OverTheLimit_RefusedUntilOneEnds()
    {
        var book = new InstructionBook(new InstructionTimeouts { Ack = TimeSpan.FromSeconds(1) }, maxOutstanding: 3, maxEndedKept: 2);
        for (ulong id = 1; id <= 3; id++) Assert.True(book.TryAdd(New(id, book)));
        Assert.False(book.TryAdd(New(4, book)));
        Assert.False(book.TryAdd(New(1, book))); // an id twice is refused as well
        book.Tick(T0 + TimeSpan.FromSeconds(1), _ => { }); // all three time out
        Assert.Equal(0, book.Outstanding);
        Assert.True(book.TryAdd(New(4, book)));
        // Only the latest 2 ended ones are kept for the display.
        Assert.Equal(3, book.Snapshot(t => DateTimeOffset.UnixEpoch + t).Count);
    }

    [Theory]
    [InlineData(0ul, "no-instruction")]
    [InlineData(99ul, "unknown-instruction")]
    public void OnAgentReport_NoOrUnknownId_IgnoredWithReasonNothingChanged(ulong id, string reason)
    {
        var book = new InstructionBook(new InstructionTimeouts());
        book.TryAdd(New(7, book));
        var changes = new List<InstructionChange>();
        book.TakeChanges(changes);
        Assert.Equal(reason, book.OnAgentReport(new AgentReportMessage(id, 7, Mac, AgentState.Rebooting, Uuid, AgentFailure.None, 1), "", T0));
        Assert.Equal(reason == "no-instruction" ? "unknown-instruction" : reason,
            book.OnReadiness(new ReadinessMessage(id == 0 ? 98 : id, Mac, Uuid, default, 0, 0), T0));
        changes.Clear();
        book.TakeChanges(changes);
        Assert.Empty(changes);
        Assert.Equal("sent", book.Find(7, t => DateTimeOffset.UnixEpoch + t)!.State);
    }

    [Fact]
    public void Inputs_ForOneMac_MoveOnlyThatMacsInstruction()
    {
        var book = new InstructionBook(new InstructionTimeouts());
        book.TryAdd(New(1, book, Mac));
        book.TryAdd(New(2, book, Mac + 1));
        Assert.Null(book.OnReadiness(new ReadinessMessage(1, Mac, Uuid, default, 0, 0), T0));
        Assert.Null(book.OnReadiness(new ReadinessMessage(2, Mac + 1, Uuid, default, 0, 0), T0));
        book.OnRecoveryMessage(Mac, T0);
        book.OnResult(Mac, ResultOutcome.Success, ResultReason.None, 5, T0);
        Func<TimeSpan, DateTimeOffset> wall = t => DateTimeOffset.UnixEpoch + t;
        Assert.Equal("written", book.Find(1, wall)!.State);
        Assert.Equal("ready", book.Find(2, wall)!.State);
        var changes = new List<InstructionChange>();
        book.TakeChanges(changes);
        // Two added (Before null), two ready, one receiving, one written.
        Assert.Equal(6, changes.Count);
        Assert.Equal(2, changes.FindAll(c => c.Before is null).Count);
    }

    [Fact]
    public void Tick_SentInstruction_HandedOutEveryResendIntervalUntilAcknowledged()
    {
        var book = new InstructionBook(new InstructionTimeouts());
        book.TryAdd(New(1, book));
        int sends = 0;
        for (int ms = 0; ms <= 5000; ms += 100) book.Tick(T0 + TimeSpan.FromMilliseconds(ms), _ => sends++);
        Assert.Equal(3, sends); // at 0, 2 and 4 s
        Assert.Equal(T0 + TimeSpan.FromSeconds(6), book.NextWake());
        book.OnAgentReport(new AgentReportMessage(1, 1, Mac, AgentState.Rebooting, Uuid, AgentFailure.None, 1), "", T0 + TimeSpan.FromSeconds(5));
        book.Tick(T0 + TimeSpan.FromSeconds(30), _ => sends++);
        Assert.Equal(3, sends);
    }
}
