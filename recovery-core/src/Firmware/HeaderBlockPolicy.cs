namespace UefiRecovery.Core.Firmware;

/// <summary>
/// How <see cref="FlashWriter"/> treats block 0, which holds the FV header (and, in an NV region, the
/// variable store header). The choice depends on what the firmware does with an invalid header at boot;
/// docs/firmware-regions.md has the measurements.
/// </summary>
public enum HeaderBlockPolicy
{
    /// <summary>
    /// Erase block 0 FIRST (even if unchanged) and write it LAST, FV header bytes last of all: the region
    /// has no valid FV header during the whole write, so an interruption is detected without any marker.
    /// Right for firmware that leaves an invalid header alone (and still reaches the boot manager).
    /// </summary>
    InvalidateFirst,

    /// <summary>
    /// Treat block 0 like any other block (only when changed, in LBA order) and write its headers FIRST
    /// after its erase, so the headers are invalid only between that one erase and the first write.
    /// Right for OVMF 2022.11, which faults before the boot manager when the store header is invalid:
    /// here an interruption is detected by the recovery marker kept outside the region.
    /// </summary>
    KeepBootable,
}
