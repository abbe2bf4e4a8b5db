using UefiRecovery.Testbed.Qemu;
using Xunit.Sdk;

namespace UefiRecovery.QemuTests.Infrastructure;

/// <summary>
/// Assertions on a finished boot. A boot passes only with BOTH its serial sentinel and its exit code
/// (isa-debug-exit code 1 is also QEMU's own error code, so neither alone proves anything), and every
/// failure message carries the whole serial log.
/// </summary>
public static class BootAssert
{
    public static void SentinelAndExitCode(QemuExit exit, SerialLine? sentinel, string sentinelDescription, int expectedExitCode)
    {
        if (exit.TimedOut)
        {
            Fail(exit, $"expected {sentinelDescription} and exit code {expectedExitCode}, but the run hung");
        }
        if (sentinel == null)
        {
            Fail(exit, $"sentinel not seen: {sentinelDescription}");
        }
        if (exit.ExitCode != expectedExitCode)
        {
            Fail(exit, $"sentinel seen, but exit code {exit.ExitCode} instead of {expectedExitCode}");
        }
    }

    /// <summary>Fails with <paramref name="reason"/> followed by the run's summary, stderr and full serial log.</summary>
    public static void True(bool condition, QemuExit exit, string reason)
    {
        if (!condition)
        {
            Fail(exit, reason);
        }
    }

    public static void NotNull(SerialLine? line, QemuExit exit, string what)
    {
        if (line == null)
        {
            Fail(exit, "serial line not seen: " + what);
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void Fail(QemuExit exit, string reason) =>
        throw new XunitException(reason + "\n" + exit.Describe());
}
