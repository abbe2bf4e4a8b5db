using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace UefiRecovery.Manager.Serving.Status;

/// <summary>
/// The live terminal view (sessions, clients with progress, repair rounds, throughput), redrawn twice
/// a second. Runs only when stdout is a terminal; otherwise <see cref="StatusLogWriter"/> prints plain lines.
/// </summary>
public sealed class LiveStatusView(IStatusSource source) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await AnsiConsole.Live(Render(source.Current)).AutoClear(false).StartAsync(async context =>
            {
                while (!stoppingToken.IsCancellationRequested)
                {
                    context.UpdateTarget(Render(source.Current));
                    try { await Task.Delay(500, stoppingToken).ConfigureAwait(false); }
                    catch (OperationCanceledException) { break; }
                }
                context.UpdateTarget(Render(source.Current));
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public static IRenderable Render(ServerStatus status)
    {
        var parts = new System.Collections.Generic.List<IRenderable>
        {
            new Markup(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"UefiRecovery manager  udp {status.Listen}  delivery {status.Delivery} -> {status.DataDestination}  rate {(status.RateMbitPerSecond == 0 ? "unpaced" : status.RateMbitPerSecond + " Mbit/s")}  results {status.ResultsRecorded}"))),
            ImagesTable(status),
            SessionsTable(status),
        };
        if (status.Instructions is { Count: > 0 }) parts.Add(InstructionsTable(status));
        if (status.Machines is { Count: > 0 }) parts.Add(MachinesTable(status));
        parts.Add(new Markup(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"datagrams in {status.Traffic.DatagramsReceived} (rejected {status.Traffic.DatagramsRejected}, forged RESULTs {status.ForgedResultsDropped})  out {status.Traffic.DatagramsSent}  bytes out {status.Traffic.BytesSent}  send failures {status.Traffic.SendFailures}"))));
        var rows = new Rows(parts);
        return rows;
    }

    private static Table ImagesTable(ServerStatus status)
    {
        var table = new Table().Title("catalog").AddColumns("image", "type", "version", "size", "state");
        foreach (var image in status.Images)
            table.AddRow(Markup.Escape(image.Name), image.ImageTypeId, Cli.CliFormat.Version(image.Version), image.Size.ToString(CultureInfo.InvariantCulture), "[green]offered[/]");
        foreach (var bad in status.RejectedImages)
            table.AddRow(Markup.Escape(bad.Name), "", "", "", "[red]" + Markup.Escape("rejected: " + bad.Reason) + "[/]");
        return table;
    }

    private static Table SessionsTable(ServerStatus status)
    {
        var table = new Table().Title("sessions").AddColumns("session", "image", "state", "pass", "repair rounds", "MB/s", "client", "progress", "missing", "client state");
        foreach (var session in status.Sessions)
        {
            string head = Cli.CliFormat.SessionId(session.SessionId);
            string rate = session.ThroughputMBytesPerSecond.ToString("0.0", CultureInfo.InvariantCulture);
            if (session.Clients.Count == 0)
                table.AddRow(head, Markup.Escape(session.Image), session.State, session.Pass.ToString(CultureInfo.InvariantCulture), session.RepairRounds.ToString(CultureInfo.InvariantCulture), rate, "", "", "", "");
            bool first = true;
            foreach (var client in session.Clients)
            {
                table.AddRow(
                    first ? head : "", first ? Markup.Escape(session.Image) : "", first ? session.State : "",
                    first ? session.Pass.ToString(CultureInfo.InvariantCulture) : "", first ? session.RepairRounds.ToString(CultureInfo.InvariantCulture) : "", first ? rate : "",
                    Markup.Escape(client.Address) + (client.SameMacAt is { Count: > 0 } others ? "[yellow]" + Markup.Escape(" (same MAC also at " + string.Join(", ", others) + ")") + "[/]" : ""),
                    Bar(client.Progress), client.MissingFragments.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(client.Result ?? client.State));
                first = false;
            }
        }
        return table;
    }

    // One line per instruction: where it stands, since when, and the version it reported or why it failed.
    private static Table InstructionsTable(ServerStatus status)
    {
        var table = new Table().Title("instructions").AddColumns("instruction", "mac", "agent", "state", "since", "detail");
        foreach (var i in status.Instructions ?? Array.Empty<Instructions.InstructionStatus>())
        {
            string state = i.State switch { "done" => "[green]done[/]", "failed" => "[red]failed in " + Markup.Escape(i.FailedIn ?? "") + "[/]", _ => i.State };
            string detail = i.Failure ?? (i.FirmwareVersion is { } after ? "firmware \"" + after + "\"" : i.ResultVersionHex is { } written ? "wrote " + written : "");
            table.AddRow(i.InstructionIdHex, i.Mac, Markup.Escape(i.Agent), state, i.Since.ToString("HH:mm:ss", CultureInfo.InvariantCulture), Markup.Escape(detail));
        }
        return table;
    }

    /// <summary>Machines shown in the live view (most recently heard first); /status has them all.</summary>
    public const int MachinesShown = 10;

    // The inventory: who reported which firmware, newest first.
    private static Table MachinesTable(ServerStatus status)
    {
        var machines = status.Machines ?? Array.Empty<Inventory.MachineStatus>();
        string title = machines.Count > MachinesShown
            ? string.Create(CultureInfo.InvariantCulture, $"machines ({MachinesShown} of {machines.Count} most recently heard; /status has all)")
            : "machines";
        var table = new Table().Title(title).AddColumns("mac", "uuid", "fmp version", "firmware", "last seen");
        for (int n = 0; n < machines.Count && n < MachinesShown; n++)
        {
            var m = machines[n];
            string version = m.FmpVersionHex is { } known ? known + " (" + m.FmpVersionSource + ")" : "unknown";
            table.AddRow(m.Mac, m.Uuid ?? "", Markup.Escape(version), Markup.Escape(m.VersionText ?? ""), m.LastSeen.ToString("HH:mm:ss", CultureInfo.InvariantCulture));
        }
        return table;
    }

    private static string Bar(double progress)
    {
        const int width = 20;
        int filled = (int)Math.Round(Math.Clamp(progress, 0, 1) * width);
        return "[green]" + new string('#', filled) + "[/]" + new string('.', width - filled) + string.Create(CultureInfo.InvariantCulture, $" {progress * 100:0}%");
    }
}
