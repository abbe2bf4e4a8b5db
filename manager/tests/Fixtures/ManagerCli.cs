using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace UefiRecovery.Manager.Tests.Fixtures;

/// <summary>Runs the real manager executable for one-shot commands (`image pack`, `simulate`), optionally in a namespace.</summary>
public static class ManagerCli
{
    public sealed record Run(int ExitCode, string Stdout, string Stderr);

    public static async Task<Run> RunAsync(IEnumerable<string> arguments, string? netns = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default, string? workingDirectory = null,
        IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (environment is not null) foreach (var (k, v) in environment) start.Environment[k] = v;
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        if (netns is not null)
        {
            start.FileName = "ip";
            foreach (string a in new[] { "netns", "exec", netns, ManagerProcess.DotnetHost }) start.ArgumentList.Add(a);
        }
        else
        {
            start.FileName = ManagerProcess.DotnetHost;
        }
        start.ArgumentList.Add(ManagerProcess.ManagerDll);
        foreach (string a in arguments) start.ArgumentList.Add(a);
        using var process = new Process { StartInfo = start };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout ?? TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("manager command did not finish: " + string.Join(' ', start.ArgumentList) + "\n" + stderr);
        }
        process.WaitForExit();
        return new Run(process.ExitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Packs <paramref name="payloadBytes"/> random bytes (seeded) into a signed capsule with the manager's own `image pack`.</summary>
    public static async Task<string> PackCapsuleAsync(string folder, string name, int payloadBytes, int seed, string privateKey, uint version = 0x10002, uint lowestSupported = 0x10000)
    {
        string payload = Path.Combine(folder, name + ".payload");
        var bytes = new byte[payloadBytes];
        new Random(seed).NextBytes(bytes);
        await File.WriteAllBytesAsync(payload, bytes).ConfigureAwait(false);
        string capsule = Path.Combine(folder, name);
        var run = await RunAsync(new[]
        {
            "image", "pack", "--payload", payload, "--image-type", SharedFiles.ImageType,
            "--version", "0x" + version.ToString("x", CultureInfo.InvariantCulture),
            "--lsv", "0x" + lowestSupported.ToString("x", CultureInfo.InvariantCulture),
            "--key", privateKey, "-o", capsule,
        }).ConfigureAwait(false);
        File.Delete(payload);
        if (run.ExitCode != 0) throw new InvalidOperationException("image pack failed: " + run.Stderr + run.Stdout);
        return capsule;
    }

    /// <summary>`simulate` and its parsed JSON report.</summary>
    public static async Task<(Run Run, JsonDocument? Report)> SimulateAsync(IEnumerable<string> arguments, string reportPath, string? netns = null, TimeSpan? timeout = null)
    {
        var all = new List<string> { "simulate", "--report", reportPath };
        all.AddRange(arguments);
        var run = await RunAsync(all, netns, timeout).ConfigureAwait(false);
        JsonDocument? report = File.Exists(reportPath) ? JsonDocument.Parse(await File.ReadAllTextAsync(reportPath).ConfigureAwait(false)) : null;
        return (run, report);
    }
}
