using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace UefiRecovery.Demo.Recovery;

/// <summary>
/// A real <c>uefirecovery-manager</c> command (<c>serve</c>, <c>instruct</c>), its output passed through line by line with
/// a prefix (so it interleaves readably with the VM console) and kept for the report.
/// </summary>
public sealed class ManagerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _prefix;

    public string CommandLine { get; }

    private ManagerProcess(Process process, string commandLine, string prefix)
    {
        _process = process;
        CommandLine = commandLine;
        _prefix = prefix;
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Valid once <see cref="WaitForExitAsync"/> returned true.</summary>
    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static ManagerProcess Start(string fileName, IReadOnlyList<string> arguments, string prefix)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        Process process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + fileName);
        var manager = new ManagerProcess(process, fileName + " " + string.Join(" ", arguments), prefix);
        process.OutputDataReceived += (_, e) => manager.Append(e.Data);
        process.ErrorDataReceived += (_, e) => manager.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return manager;
    }

    private void Append(string? line)
    {
        if (line == null)
        {
            return;
        }
        lock (_output)
        {
            _output.Append(line).Append('\n');
        }
        Console.WriteLine(_prefix + line);
    }

    /// <summary>Waits for the manager's "ready udp=" line (docs/operating.md §1.2); false if it exited or timed out.</summary>
    public async Task<bool> WaitForReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !cancellationToken.IsCancellationRequested)
        {
            if (Output.Contains("ready udp=", StringComparison.Ordinal))
            {
                return true;
            }
            if (_process.HasExited)
            {
                return false;
            }
            await Task.Delay(200, CancellationToken.None);
        }
        return false;
    }

    /// <summary>Waits for a command that ends by itself (<c>instruct</c>), its output read to the end; false on timeout or Ctrl+C.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Ends the manager (and, as root, the `ip netns exec` wrapper it runs under).</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }
}
