using Microsoft.Extensions.Logging;

namespace UefiRecovery.Manager.Serving;

/// <summary>
/// Hides the generic host's own lines while `serve` starts: a port in use would otherwise print the host's
/// "Hosting failed to start" with a full stack trace next to the one line `serve` writes itself. Once
/// started, the host's warnings and errors (a failing background service) are shown again.
/// </summary>
public sealed class StartupLogGate
{
    private volatile bool _started;
    private readonly LogLevel _minimum;
    private readonly bool _verbose;

    /// <param name="requested">--log-level; at debug or trace the host's lines (with their stack traces) always show.</param>
    public StartupLogGate(LogLevel? requested = null)
    {
        _verbose = requested is LogLevel.Debug or LogLevel.Trace;
        _minimum = _verbose ? requested!.Value : (LogLevel)System.Math.Max((int)(requested ?? LogLevel.Warning), (int)LogLevel.Warning);
    }

    public void Started() => _started = true;

    public bool Allows(LogLevel level) => (_started || _verbose) && level >= _minimum;
}
