namespace UefiRecovery.Core.Firmware;

/// <summary>Where the recovery-in-progress marker lives (never inside the region it guards).</summary>
public interface IRecoveryMarkerStore
{
    RecoveryMarkerState Read();

    /// <summary>Records <paramref name="state"/> durably (flushed) before returning true.</summary>
    bool TryWrite(RecoveryMarkerState state);
}
