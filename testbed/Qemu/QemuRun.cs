using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace UefiRecovery.Testbed.Qemu;

/// <summary>
/// One running QEMU: its console as a <see cref="SerialLog"/>, a hard timeout that kills it, and the
/// exit. Disposing kills QEMU if it still runs. The run folder (vars copy, serial log) is kept.
/// </summary>
public sealed class QemuRun : IDisposable, IAsyncDisposable
{
    // QEMUs still running when the test host exits (a crash, Ctrl+C) are killed, not orphaned.
    private static readonly ConcurrentDictionary<int, Process> LiveProcesses = new();

    static QemuRun()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (Process process in LiveProcesses.Values)
            {
                TryKill(process);
            }
        };
    }

    private readonly Process _process;
    private readonly Stopwatch _clock;
    private readonly CancellationTokenSource _timeout;
    private readonly Task _consoleReader;
    private readonly Task<string> _stderrReader;
    private readonly Task<QemuExit> _exit;
    private readonly string _commandLine;
    private int _timedOut;
    private int _killedByHost;

    public SerialLog Serial { get; }

    /// <summary>This run's private copy of the writable flash (pflash unit 1).</summary>
    public string VarsPath { get; }

    public string RunDirectory { get; }

    public int ProcessId => _process.Id;

    /// <summary>
    /// With <see cref="FlashWriteTracing.AttachOn"/>: completes with the tracer once its console line appeared
    /// (then await <see cref="FlashWriteTracer.Attached"/>); null otherwise.
    /// </summary>
    public Task<FlashWriteTracer>? FlashTracerStarted { get; internal set; }

    public TimeSpan Elapsed => _clock.Elapsed;

    private QemuRun(Process process, Stopwatch clock, SerialLog serial, string varsPath, string runDirectory,
                    string commandLine, TimeSpan timeout)
    {
        _process = process;
        _clock = clock;
        Serial = serial;
        VarsPath = varsPath;
        RunDirectory = runDirectory;
        _commandLine = commandLine;
        LiveProcesses[process.Id] = process;

        _consoleReader = Task.Run(ReadConsoleAsync);
        _stderrReader = process.StandardError.ReadToEndAsync();
        _timeout = new CancellationTokenSource(timeout);
        _timeout.Token.Register(() =>
        {
            Interlocked.Exchange(ref _timedOut, 1);
            TryKill(_process);
        });
        _exit = CompleteAsync();
    }

    internal static QemuRun Start(string fileName, IReadOnlyList<string> arguments, string varsPath,
                                  string runDirectory, TimeSpan timeout, Action<SerialLine>? onLine)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = runDirectory,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        string commandLine = fileName + " " + string.Join(" ", arguments);
        File.WriteAllText(Path.Combine(runDirectory, "command.txt"), commandLine + "\n");

        var clock = new Stopwatch();
        var serial = new SerialLog(Path.Combine(runDirectory, "serial.log"), () => clock.Elapsed);
        if (onLine != null)
        {
            serial.LineReceived += onLine;
        }
        clock.Start();
        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start " + fileName);
        }
        catch
        {
            serial.Dispose();
            throw;
        }
        return new QemuRun(process, clock, serial, varsPath, runDirectory, commandLine, timeout);
    }

    /// <summary>Completes when QEMU has exited and its console is fully read.</summary>
    public Task<QemuExit> WaitForExitAsync() => _exit;

    /// <summary>Types text on the serial console (the guest's ConIn).</summary>
    public async Task SendAsync(string text)
    {
        await _process.StandardInput.WriteAsync(text).ConfigureAwait(false);
        await _process.StandardInput.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>Ends QEMU now (not counted as a timeout) and waits for the exit.</summary>
    public Task<QemuExit> KillAsync()
    {
        if (Volatile.Read(ref _timedOut) == 0 && !_process.HasExited)
        {
            Interlocked.Exchange(ref _killedByHost, 1);
        }
        TryKill(_process);
        return _exit;
    }

    private async Task ReadConsoleAsync()
    {
        // Latin-1 maps every byte to one char, so no console byte can make decoding fail.
        var reader = new StreamReader(_process.StandardOutput.BaseStream, Encoding.Latin1);
        char[] buffer = new char[4096];
        while (true)
        {
            int read = await reader.ReadAsync(buffer, 0, buffer.Length).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }
            Serial.Append(buffer.AsSpan(0, read));
        }
        Serial.Complete();
    }

    private async Task<QemuExit> CompleteAsync()
    {
        await _process.WaitForExitAsync().ConfigureAwait(false);
        TimeSpan elapsed = _clock.Elapsed;
        _timeout.Dispose();
        LiveProcesses.TryRemove(_process.Id, out _);
        await _consoleReader.ConfigureAwait(false);
        string stderr = await _stderrReader.ConfigureAwait(false);
        if (stderr.Length > 0)
        {
            Serial.Note("QEMU stderr: " + stderr.TrimEnd());
        }
        bool timedOut = Volatile.Read(ref _timedOut) == 1;
        var exit = new QemuExit
        {
            ExitCode = _process.ExitCode,
            TimedOut = timedOut,
            KilledByHost = !timedOut && Volatile.Read(ref _killedByHost) == 1,
            Elapsed = elapsed,
            SerialText = Serial.Text,
            SerialTranscript = Serial.Transcript,
            SerialLogPath = Serial.LogPath,
            StandardError = stderr,
            VarsPath = VarsPath,
            CommandLine = _commandLine,
        };
        Serial.Note(exit.Summary);
        return exit;
    }

    private static void TryKill(Process process)
    {
        try
        {
            // QEMU starts no children here (no tap scripts), but take the whole tree to be sure.
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Exiting while we tried.
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        await KillAsync().ConfigureAwait(false);
        if (FlashTracerStarted is { IsCompletedSuccessfully: true })
        {
            FlashTracerStarted.Result.Dispose();
        }
        Serial.Dispose();
        _process.Dispose();
    }
}
