using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using UefiRecovery.Manager.Cli;

namespace UefiRecovery.Manager.Serving.Status;

/// <summary>
/// The live view as plain lines that fit the terminal (80 columns and up; a longer line is cut, never wrapped): a
/// header, one line per image and per session, then one line per machine, MAC first, the busiest first, at most
/// <see cref="MachinesShown"/> of them and a count of the rest by phase; instructions and the inventory below.
/// What a machine holds is shown only once it said so in a status round ("held ?" before); a machine writing its
/// flash shows for how long, and the session's rate is the rate now (0 while nothing is sent), not an average.
/// </summary>
public static class LiveStatusLines
{
    /// <summary>Machine lines shown; the rest are counted by phase in one line.</summary>
    public const int MachinesShown = 20;

    /// <summary>Inventory lines shown (most recently heard first); /status has them all.</summary>
    public const int InventoryShown = 10;

    private static readonly string[] PhaseOrder = { "writing", "repairing", "first-pass", "failed", "timed-out", "left", "done" };

    public static IReadOnlyList<string> Render(ServerStatus status, int width)
    {
        width = Math.Max(width, 40);
        var lines = new List<string>
        {
            Invariant($"UefiRecovery manager  udp {status.Listen}  {status.Delivery.ToLowerInvariant()}  {(status.RateMbitPerSecond == 0 ? "unpaced" : status.RateMbitPerSecond + " Mbit/s")}  results {status.ResultsRecorded}"),
        };
        foreach (var image in status.Images)
            lines.Add(Invariant($"image {image.Name} {CliFormat.Version(image.Version)} {image.Size} bytes offered"));
        foreach (var bad in status.RejectedImages)
            lines.Add(Invariant($"image {bad.Name} rejected: {bad.Reason}"));
        if (status.Images.Count == 0 && status.RejectedImages.Count == 0)
            lines.Add("image none: nothing to serve");

        var machines = new List<(ClientStatus Client, SessionStatus Session)>();
        foreach (var session in status.Sessions)
        {
            lines.Add(SessionLine(session));
            foreach (var client in session.Clients) machines.Add((client, session));
        }
        if (machines.Count > 0)
        {
            lines.Add("MAC               PHASE       PROGRESS");
            var ordered = machines.OrderBy(m => Array.IndexOf(PhaseOrder, m.Client.Phase) is int i && i >= 0 ? i : PhaseOrder.Length)
                .ThenBy(m => m.Client.ClientId, StringComparer.Ordinal).ToList();
            foreach (var (client, session) in ordered.Take(MachinesShown))
                lines.Add(MachineLine(client, session));
            if (ordered.Count > MachinesShown)
            {
                var rest = ordered.Skip(MachinesShown).GroupBy(m => m.Client.Phase).OrderBy(g => Array.IndexOf(PhaseOrder, g.Key))
                    .Select(g => Invariant($"{g.Count()} {g.Key}"));
                lines.Add(Invariant($"... {ordered.Count - MachinesShown} more: {string.Join(", ", rest)} (/status has all)"));
            }
        }

        if (status.Instructions is { Count: > 0 } instructions)
        {
            lines.Add("instructions");
            foreach (var i in instructions)
            {
                string state = i.State == "failed" ? "failed in " + i.FailedIn : i.State;
                string detail = i.Failure ?? (i.FirmwareVersion is { } after ? "firmware \"" + after + "\"" : i.ResultVersionHex is { } written ? "wrote " + written : "");
                lines.Add(Invariant($"{i.Mac} {i.InstructionIdHex} {state} since {i.Since:HH:mm:ss} {detail}").TrimEnd());
            }
        }
        if (status.Machines is { Count: > 0 } inventory)
        {
            lines.Add(inventory.Count > InventoryShown
                ? Invariant($"machines ({InventoryShown} of {inventory.Count} most recently heard; /status has all)")
                : "machines");
            foreach (var m in inventory.Take(InventoryShown))
            {
                string version = m.FmpVersionHex is { } known ? known + " (" + m.FmpVersionSource + ")" : "unknown";
                lines.Add(Invariant($"{m.Mac} {version} last seen {m.LastSeen:HH:mm:ss} {m.VersionText}").TrimEnd());
            }
        }
        lines.Add(Invariant($"datagrams in {status.Traffic.DatagramsReceived} (rejected {status.Traffic.DatagramsRejected}, forged RESULTs {status.ForgedResultsDropped}) out {status.Traffic.DatagramsSent}, {Bytes(status.Traffic.BytesSent)}, send failures {status.Traffic.SendFailures}"));
        return lines.Select(l => Fit(l, width)).ToList();
    }

    /// <summary>What the operator is left with when the manager stops: each session's outcome, then the totals.</summary>
    public static IReadOnlyList<string> Summary(ServerStatus status)
    {
        var lines = new List<string>();
        int done = 0, failed = 0, unfinished = 0;
        foreach (var session in status.Sessions)
        {
            int sessionDone = session.Clients.Count(c => c.Phase == "done");
            int sessionFailed = session.Clients.Count(c => c.Phase is "failed" or "timed-out" or "left");
            int sessionOpen = session.Clients.Count - sessionDone - sessionFailed;
            done += sessionDone; failed += sessionFailed; unfinished += sessionOpen;
            double ratio = session.ImageSize > 0 ? session.DataBytesSent / (double)session.ImageSize : 0;
            lines.Add(Invariant($"session {session.SessionIdHex} {session.Image}: {sessionDone} recovered, {sessionFailed} failed, {sessionOpen} unfinished; {session.RepairRounds} repair rounds, {ratio:0.00} x image sent in {session.ElapsedSeconds:0.0} s"));
        }
        lines.Add(Invariant($"summary: {done} recovered, {failed} failed, {unfinished} unfinished, {status.ResultsRecorded} results recorded"));
        return lines;
    }

    private static string SessionLine(SessionStatus session)
    {
        string state = session.State switch
        {
            "Offered" => "offered",
            "Gathering" => "gathering",
            "Sending" when session.RepairRounds == 0 => Invariant($"first pass {session.FirstPassSentFraction * 100:0}% sent"),
            "Sending" => Invariant($"repair pass {session.Pass}"),
            "StatusRound" => "asking status",
            "AwaitingResults" => "machines writing",
            "Finished" => "finished",
            _ => session.State,
        };
        string rate = session.State == "Sending" ? Invariant($" {session.RateNowMBytesPerSecond:0.0} MB/s") : "";
        string eta = session.PassEtaSeconds is { } seconds ? Invariant($" ETA {Duration(seconds)}") : "";
        return Invariant($"session {session.SessionIdHex} {session.Image}: {state}{rate}{eta}, rounds {session.RepairRounds}");
    }

    private static string MachineLine(ClientStatus client, SessionStatus session)
    {
        string progress = client.Phase switch
        {
            "first-pass" or "repairing" when !client.HeldKnown => Invariant($"held ? until the first status round ({session.FirstPassSentFraction * 100:0}% sent)"),
            "first-pass" or "repairing" => Invariant($"held {client.FragmentsHeld}/{session.FragmentCount} {client.Progress * 100:0}%, missing {client.MissingFragments}"),
            "writing" => Invariant($"verifying and writing its flash for {Duration(client.PhaseSeconds)}"),
            _ => client.Result ?? "",
        };
        return Invariant($"{client.ClientId,-17} {client.Phase,-11} {progress}");
    }

    private static string Duration(double seconds) =>
        seconds < 90 ? Invariant($"{seconds:0} s") : Invariant($"{Math.Floor(seconds / 60):0} min {seconds % 60:00} s");

    private static string Bytes(long bytes) =>
        bytes >= 10_000_000 ? Invariant($"{bytes / 1e6:0} MB") : bytes >= 10_000 ? Invariant($"{bytes / 1e3:0} kB") : Invariant($"{bytes} bytes");

    // Cut, never wrapped: a wrapped line breaks words ("Finis/hed") and pushes the header off the screen.
    private static string Fit(string line, int width) => line.Length <= width ? line : line[..(width - 1)] + "~";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
