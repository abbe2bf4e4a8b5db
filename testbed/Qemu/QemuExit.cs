using System;
using System.Text;

namespace UefiRecovery.Testbed.Qemu;

/// <summary>How a QEMU run ended, with everything a failing test should show.</summary>
public sealed class QemuExit
{
    public required int ExitCode { get; init; }

    /// <summary>True when the hard timeout killed QEMU; then <see cref="ExitCode"/> means nothing.</summary>
    public required bool TimedOut { get; init; }

    /// <summary>True when the host ended QEMU on purpose (<see cref="QemuRun.KillAsync"/>, Dispose).</summary>
    public required bool KilledByHost { get; init; }

    public required TimeSpan Elapsed { get; init; }

    public required string SerialText { get; init; }

    /// <summary>The same lines with arrival times since QEMU started.</summary>
    public required string SerialTranscript { get; init; }

    public required string SerialLogPath { get; init; }

    public required string StandardError { get; init; }

    /// <summary>The run's own copy of the flash vars file, kept so tests can inspect what the guest wrote.</summary>
    public required string VarsPath { get; init; }

    public required string CommandLine { get; init; }

    /// <summary>The value the guest wrote to isa-debug-exit, when the exit code is one.</summary>
    public bool TryGetDebugExitValue(out int value)
    {
        if (TimedOut || KilledByHost)
        {
            value = 0;
            return false;
        }
        return DebugExit.TryDecode(ExitCode, out value);
    }

    public string Summary =>
        TimedOut
            ? $"QEMU timed out after {Elapsed.TotalSeconds:F1}s and was killed"
            : KilledByHost
            ? $"QEMU was stopped by the host after {Elapsed.TotalSeconds:F1}s"
            : $"QEMU exited with code {ExitCode} after {Elapsed.TotalSeconds:F1}s" +
              (DebugExit.TryDecode(ExitCode, out int v) ? $" (isa-debug-exit value {v})" : "");

    /// <summary>The summary, QEMU's stderr and the whole serial log: what an assertion message attaches.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(Summary).Append('\n');
        text.Append("command: ").Append(CommandLine).Append('\n');
        if (StandardError.Trim().Length > 0)
        {
            text.Append("--- QEMU stderr ---\n").Append(StandardError.TrimEnd()).Append('\n');
        }
        text.Append("--- serial log (").Append(SerialLogPath).Append(") ---\n");
        text.Append(SerialTranscript);
        text.Append("--- end of serial log ---");
        return text.ToString();
    }

    public override string ToString() => Summary;
}
