using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace UefiRecovery.Manager.Benchmarking;

/// <summary>A child process the benchmark starts (optionally inside a namespace), with its output kept and a hard time limit.</summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ChildProcess(Process process) => _process = process;

    public string Output { get { lock (_output) return _output.ToString(); } }
    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    /// <summary>The command line that runs this manager again (`dotnet x.dll` or the apphost).</summary>
    public static IReadOnlyList<string> Self()
    {
        string host = Environment.ProcessPath ?? "dotnet";
        string dll = typeof(ChildProcess).Assembly.Location;
        return Path.GetFileNameWithoutExtension(host) == "dotnet" ? new[] { host, dll } : new[] { host };
    }

    public static ChildProcess Start(string? netns, IEnumerable<string> command, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var args = new List<string>();
        if (netns is not null) args.AddRange(new[] { "ip", "netns", "exec", netns });
        args.AddRange(command);
        start.FileName = args[0];
        for (int i = 1; i < args.Count; i++) start.ArgumentList.Add(args[i]);
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        var process = new Process { StartInfo = start };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    /// <summary>Runs to completion; returns the exit code, or throws TimeoutException (after killing it).</summary>
    public static async Task<(int ExitCode, string Output, TimeSpan Elapsed)> RunAsync(string? netns, IEnumerable<string> command, TimeSpan timeout, string? workingDirectory = null)
    {
        var clock = Stopwatch.StartNew();
        using var child = Start(netns, command, workingDirectory);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await child._process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            child.Stop();
            throw new TimeoutException(string.Join(' ', command) + " did not finish in " + timeout + "\n" + child.Output);
        }
        child._process.WaitForExit();
        return (child._process.ExitCode, child.Output, clock.Elapsed);
    }

    /// <summary>Waits until a line containing <paramref name="marker"/> appears in the output.</summary>
    public async Task<string> WaitForLineAsync(string marker, TimeSpan timeout)
    {
        var end = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < end)
        {
            foreach (string line in Output.Split('\n'))
                if (line.Contains(marker, StringComparison.Ordinal)) return line.Trim();
            if (_process.HasExited) break;
            await Task.Delay(50).ConfigureAwait(false);
        }
        throw new TimeoutException("no '" + marker + "' from " + _process.StartInfo.FileName + ":\n" + Output);
    }

    /// <summary>Ends this process (by its own id) and waits for it.</summary>
    public void Stop()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
        }
    }

    public void Dispose()
    {
        Stop();
        _process.Dispose();
    }
}
