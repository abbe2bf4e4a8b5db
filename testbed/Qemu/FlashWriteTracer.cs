using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading.Tasks;

namespace UefiRecovery.Testbed.Qemu;

/// <summary>
/// strace attached to a running QEMU (<see cref="FlashWriteTracing.AttachOn"/>): from the moment
/// <see cref="Attached"/> completes true, every vars-file write is logged and the cut, if any, counts from there.
/// Ends by itself when QEMU ends (or kills QEMU at the cut).
/// </summary>
public sealed class FlashWriteTracer : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<bool> _attached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _messages = new();

    private FlashWriteTracer(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data == null)
            {
                _attached.TrySetResult(false);
                return;
            }
            lock (_messages)
            {
                _messages.Add(e.Data);
            }
            // "strace: Process 1234 attached with 5 threads" (all of QEMU's threads are traced from now on).
            if (e.Data.Contains(" attached", StringComparison.Ordinal))
            {
                _attached.TrySetResult(true);
            }
        };
        _process.BeginErrorReadLine();
        _process.EnableRaisingEvents = true;
        _process.Exited += (_, _) => _attached.TrySetResult(false);
    }

    /// <summary>True once strace traces every thread of QEMU; false when it ended without attaching.</summary>
    public Task<bool> Attached => _attached.Task;

    /// <summary>What strace said on stderr (attach messages, errors).</summary>
    public string Messages
    {
        get
        {
            lock (_messages)
            {
                return string.Join("\n", _messages);
            }
        }
    }

    internal static FlashWriteTracer Start(string strace, FlashWriteTracing tracing, string varsPath, int qemuPid)
    {
        var startInfo = new ProcessStartInfo(strace) { RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in QemuMachine.StraceArguments(tracing, varsPath, quiet: false))
        {
            startInfo.ArgumentList.Add(argument);
        }
        startInfo.ArgumentList.Add("-p");
        startInfo.ArgumentList.Add(qemuPid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new FlashWriteTracer(Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start " + strace));
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }
}
