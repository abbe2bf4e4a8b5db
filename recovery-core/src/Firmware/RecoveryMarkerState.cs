namespace UefiRecovery.Core.Firmware;

/// <summary>
/// The recovery marker kept OUTSIDE the region being written (on OVMF: a file on the ESP, because EFI
/// variables live inside the very region): set before the first erase, replaced by Complete only after
/// the full read-back compare. See docs/firmware-regions.md.
/// </summary>
public enum RecoveryMarkerState
{
    /// <summary>No marker: no recovery has been started through this store.</summary>
    Absent,

    /// <summary>A recovery started and has not completed: the region's contents are not to be trusted.</summary>
    InProgress,

    /// <summary>The last recovery wrote and verified the whole region.</summary>
    Complete,

    /// <summary>A marker exists but cannot be read or understood: treated like InProgress (fail closed).</summary>
    Unreadable,
}
