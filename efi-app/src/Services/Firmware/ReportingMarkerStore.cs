using UefiRecovery.Core.Firmware;
using UefiRecovery.Efi.Services.Console;
using UefiRecovery.Efi.Services.Machine;
using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Services.Firmware;

/// <summary>
/// Prints "FIRMWARE MARKER state=... written=yes|no" for every marker write, so the console (and a test
/// that cuts the power) sees the exact moment the InProgress marker is durable.
/// </summary>
internal sealed unsafe class ReportingMarkerStore : IRecoveryMarkerStore
{
    private readonly IRecoveryMarkerStore _inner;
    private readonly SystemTable* _systemTable;

    public ReportingMarkerStore(IRecoveryMarkerStore inner, SystemTable* systemTable)
    {
        _inner = inner;
        _systemTable = systemTable;
    }

    public RecoveryMarkerState Read() => _inner.Read();

    public bool TryWrite(RecoveryMarkerState state)
    {
        bool written = _inner.TryWrite(state);
        new ConsoleLine(stackalloc char[96]).Append("FIRMWARE MARKER state=").Append(FirmwareNames.Marker(state))
            .Append(written ? " written=yes" : " written=no").WriteLine(_systemTable);
        return written;
    }
}
