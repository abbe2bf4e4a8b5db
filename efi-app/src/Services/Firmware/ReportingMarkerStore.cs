namespace UefiRecovery.Efi.Services.Firmware;

/// <summary>
/// Prints "FIRMWARE MARKER state=... written=yes|no" for every marker write, so the console (and a test
/// that cuts the power) sees the exact moment the InProgress marker is durable.
/// </summary>
internal sealed class ReportingMarkerStore : IRecoveryMarkerStore
{
    private readonly IRecoveryMarkerStore _inner;
    private readonly UefiConsole _console;

    public ReportingMarkerStore(IRecoveryMarkerStore inner, UefiConsole console)
    {
        _inner = inner;
        _console = console;
    }

    public RecoveryMarkerState Read() => _inner.Read();

    public bool TryWrite(RecoveryMarkerState state)
    {
        bool written = _inner.TryWrite(state);
        new ConsoleLine(stackalloc char[96]).Append("FIRMWARE MARKER state=").Append(FirmwareNames.Marker(state))
            .Append(written ? " written=yes" : " written=no").WriteLine(_console);
        return written;
    }
}
