using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace UefiRecovery.Manager.Serving.Status;

/// <summary>
/// The live terminal view (<see cref="LiveStatusLines"/>), redrawn twice a second, and a summary when the manager
/// stops. Runs only when stdout is a terminal; otherwise <see cref="StatusLogWriter"/> prints plain lines.
/// </summary>
public sealed class LiveStatusView(IStatusSource source) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await AnsiConsole.Live(Render(source.Current, Width)).AutoClear(false).StartAsync(async context =>
            {
                while (!stoppingToken.IsCancellationRequested)
                {
                    context.UpdateTarget(Render(source.Current, Width));
                    try { await Task.Delay(500, stoppingToken).ConfigureAwait(false); }
                    catch (OperationCanceledException) { break; }
                }
                context.UpdateTarget(Render(source.Current, Width));
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        // What is left on the screen after the last redraw: each session's outcome and the totals.
        foreach (string line in LiveStatusLines.Summary(source.Current))
            AnsiConsole.Console.Profile.Out.Writer.WriteLine(line);
    }

    // One column short of the terminal: a line exactly as wide as the terminal wraps on some of them.
    private static int Width => Math.Max(AnsiConsole.Profile.Width - 1, 40);

    /// <summary>The view at <paramref name="width"/> columns (the terminal's, at least 80 assumed when unknown).</summary>
    public static IRenderable Render(ServerStatus status, int width = 80) =>
        new Text(string.Join("\n", LiveStatusLines.Render(status, width)));
}
