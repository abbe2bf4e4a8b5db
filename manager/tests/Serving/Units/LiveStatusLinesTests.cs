using System;
using System.Collections.Generic;
using System.Linq;
using UefiRecovery.Manager.Serving.Status;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

/// <summary>
/// The live view's lines (issue #17's honest progress): nothing wraps at 80 columns, one line per machine with its MAC
/// first, "held ?" until a machine answered a status round, the write phase with its duration, the rate now, a count of
/// the machines not shown, and the summary left on exit; and the log writer's finished-session line printed once.
/// </summary>
public sealed class LiveStatusLinesTests
{
    private static ClientStatus Machine(int n, string phase, bool heldKnown = true, long held = 0, double progress = 0, int missing = 0,
        double phaseSeconds = 0, string? result = null) =>
        new("192.0.2." + n + ":40124", "52:54:00:00:" + (n / 256).ToString("x2") + ":" + (n % 256).ToString("x2"), "Receiving", progress, missing, 0.1, result,
            HeldKnown: heldKnown, FragmentsHeld: held, Phase: phase, PhaseSeconds: phaseSeconds);

    private static SessionStatus Session(string state, IReadOnlyList<ClientStatus> clients, int repairRounds = 0, double sent = 0.41,
        double rate = 2.6, double? eta = 3.2) =>
        new(0x75b91def, "fw-1.2.cap", 541344, 1432, 379, state, repairRounds, repairRounds, 0, 1000, 1_300_000, 1.9, 12.5, clients,
            FirstPassSentFraction: sent, RateNowMBytesPerSecond: rate, PassEtaSeconds: eta);

    private static ServerStatus Status(params SessionStatus[] sessions) =>
        new(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "10.216.0.1:40123", "Broadcast", "10.216.0.255:40124", 20,
            new[] { new ImageStatus("fw-1.2.cap", "6E3C1A1B-3F4D-4F0E-9C64-2A5D8B1F7E10", 0x00010002, 0x00010000, 541344, new string('a', 64)) },
            Array.Empty<RejectedImageStatus>(), sessions, new TrafficStatus(12345, 3, 67890, 98_000_000, 0, new Dictionary<string, long>()), 7);

    [Fact]
    public void Render_FirstPassBeforeAnyStatusRound_HeldUnknownAndTheShareSent()
    {
        var lines = LiveStatusLines.Render(Status(Session("Sending", new[] { Machine(1, "first-pass", heldKnown: false) })), 80);

        Assert.Equal("session 75b91def fw-1.2.cap: first pass 41% sent 2.6 MB/s ETA 3 s, rounds 0", lines[2]);
        Assert.Equal("52:54:00:00:00:01 first-pass  held ? until the first status round (41% sent)", lines[4]);
    }

    [Fact]
    public void Render_RepairingAndWriting_HeldFromStatusAndWriteDuration()
    {
        var lines = LiveStatusLines.Render(Status(Session("Sending", new[]
        {
            Machine(1, "repairing", held: 377, progress: 377 / 379.0, missing: 2),
            Machine(2, "writing", phaseSeconds: 46.4),
        }, repairRounds: 1, sent: 1)), 80);

        Assert.Equal("session 75b91def fw-1.2.cap: repair pass 1 2.6 MB/s ETA 3 s, rounds 1", lines[2]);
        Assert.Equal("52:54:00:00:00:02 writing     verifying and writing its flash for 46 s", lines[4]);
        Assert.Equal("52:54:00:00:00:01 repairing   held 377/379 99%, missing 2", lines[5]);
    }

    [Fact]
    public void Render_TwoHundredMachinesAt80Columns_NoLineWrapsTwentyShownRestCountedByPhase()
    {
        var clients = new List<ClientStatus>();
        for (int n = 1; n <= 200; n++)
            clients.Add(n % 4 == 0 ? Machine(n, "writing", phaseSeconds: n) : n % 4 == 1 ? Machine(n, "done", result: "success (None)")
                : n % 4 == 2 ? Machine(n, "repairing", held: 100, progress: 0.26, missing: 279) : Machine(n, "first-pass", heldKnown: false));

        var lines = LiveStatusLines.Render(Status(Session("Sending", clients, repairRounds: 2)), 80);

        Assert.All(lines, line => Assert.True(line.Length <= 80, "longer than 80 columns: " + line));
        Assert.StartsWith("UefiRecovery manager  udp 10.216.0.1:40123", lines[0], StringComparison.Ordinal);
        int header = lines.ToList().IndexOf("MAC               PHASE       PROGRESS");
        Assert.True(header > 0);
        // The 50 writing machines come first (the busiest): 20 of them shown.
        Assert.All(lines.Skip(header + 1).Take(20), line => Assert.Matches("^52:54:00:00:0[01]:[0-9a-f]{2} writing ", line));
        Assert.Equal("... 180 more: 30 writing, 50 repairing, 50 first-pass, 50 done (/status has all)", lines[header + 21]);
    }

    [Fact]
    public void Render_LongImageName_CutWithAMarkNotWrapped()
    {
        var lines = LiveStatusLines.Render(Status(Session("AwaitingResults", new[] { Machine(1, "writing", phaseSeconds: 100) })) with
        {
            Images = new[] { new ImageStatus(new string('x', 120) + ".cap", "6E3C1A1B-3F4D-4F0E-9C64-2A5D8B1F7E10", 1, 1, 1, "") },
        }, 80);

        Assert.Equal(80, lines[1].Length);
        Assert.EndsWith("~", lines[1], StringComparison.Ordinal);
        Assert.Contains("52:54:00:00:00:01 writing     verifying and writing its flash for 1 min 40 s", lines);
    }

    [Fact]
    public void Summary_SessionOutcomesAndTotals()
    {
        var lines = LiveStatusLines.Summary(Status(Session("Finished", new[]
        {
            Machine(1, "done", result: "success (None)"), Machine(2, "failed", result: "failure (UntrustedKey)"), Machine(3, "writing"),
        }, repairRounds: 2)));

        Assert.Equal(new[]
        {
            "session 75b91def fw-1.2.cap: 1 recovered, 1 failed, 1 unfinished; 2 repair rounds, 2.40 x image sent in 12.5 s",
            "summary: 1 recovered, 1 failed, 1 unfinished, 7 results recorded",
        }, lines);
    }

    [Fact]
    public void StatusLogWriter_FinishedSession_SummarisedOnceThenSilent()
    {
        var status = Status(Session("Finished", new[] { Machine(1, "done", result: "success (None)") }));
        var summarised = new HashSet<uint>();

        var first = StatusLogWriter.Lines(status, summarised);
        var second = StatusLogWriter.Lines(status, summarised);

        Assert.Equal("session 75b91def fw-1.2.cap: 1 recovered, 0 failed, 0 unfinished; 0 repair rounds, 2.40 x image sent in 12.5 s", Assert.Single(first));
        Assert.Empty(second);
    }

    [Fact]
    public void StatusLogWriter_MachinesWriting_NoStaleRateTheLongestWrite()
    {
        var status = Status(Session("AwaitingResults", new[] { Machine(1, "writing", phaseSeconds: 46), Machine(2, "done", result: "success (None)") }, rate: 0, eta: null));

        string line = Assert.Single(StatusLogWriter.Lines(status, new HashSet<uint>()));

        Assert.Equal("session 75b91def fw-1.2.cap: nothing to send: machines verifying and writing, repair rounds 0; machines 1 writing, 1 done, longest write 46 s; held known for 2 of 2", line);
    }
}
