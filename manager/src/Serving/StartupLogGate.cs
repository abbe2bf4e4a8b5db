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

    public void Started() => _started = true;

    public bool Allows(LogLevel level) => _started && level >= LogLevel.Warning;
}
