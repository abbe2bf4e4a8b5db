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
    /// Keep valid headers on the flash for as long as possible: the other changed blocks first (from the
    /// last down to block 1), block 0 LAST and only when it differs; in place (no erase) when only its body
    /// changes by clearing bits; after an erase, its headers are the very next write. The headers are then
    /// invalid only between block 0's erase and the end of that one header write.
    /// Right for OVMF 2022.11, which wipes the region and then faults before the boot manager when a header
    /// is invalid: there an interruption is detected by the recovery marker kept outside the region.
    /// </summary>
    KeepBootable,
}
