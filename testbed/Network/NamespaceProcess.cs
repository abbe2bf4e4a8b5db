using System;
using System.Diagnostics;
using System.Text;
using System.Threading.Tasks;

namespace UefiRecovery.Testbed.Network;

/// <summary>A long-running peer (dnsmasq, tcpdump, a manager) started inside a namespace; its output is captured.</summary>
public sealed class NamespaceProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private bool _disposed;

    public string CommandLine { get; }

    internal NamespaceProcess(Process process, string commandLine)
    {
        _process = process;
        CommandLine = commandLine;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>stdout and stderr interleaved, as received so far.</summary>
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
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the process to end by itself.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        Task exited = _process.WaitForExitAsync();
        return await Task.WhenAny(exited, Task.Delay(timeout)).ConfigureAwait(false) == exited;
    }

    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Waits until the output contains <paramref name="text"/> (a tool's "listening", a manager's "ready");
    /// throws, with the command line and all output so far, when the process ends or <paramref name="timeout"/> passes first.
    /// </summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (HasExited || DateTime.UtcNow >= deadline)
            {
                // A last look: the line may have come with the exit.
                if (Output.Contains(text, StringComparison.Ordinal))
                {
                    return;
                }
                throw new InvalidOperationException(CommandLine + " did not print '" + text + "'"
                    + (HasExited ? " (it exited)" : " within " + timeout.TotalSeconds + " s") + ":\n" + Output);
            }
            await Task.Delay(100).ConfigureAwait(false);
        }
    }

    /// <summary>Sends SIGTERM (so tools like tcpdump flush), then kills if it lingers.</summary>
    public void Stop(TimeSpan grace)
    {
        if (_disposed || _process.HasExited)
        {
            return;
        }
        HostCommand.Run("kill", "-TERM", _process.Id.ToString());
        if (!_process.WaitForExit(grace))
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Exited meanwhile.
            }
        }
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        Stop(TimeSpan.FromSeconds(2));
        _disposed = true;
        _process.Dispose();
    }
}
