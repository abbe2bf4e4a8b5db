namespace UefiRecovery.Core.Firmware;

/// <summary>Result of one <see cref="IFlashRegion"/> operation.</summary>
public enum FlashStatus
{
    Ok,

    /// <summary>Block, offset or span outside the region, or a span crossing a block boundary.</summary>
    OutOfRange,

    /// <summary>The device reported an error (FVB EFI_DEVICE_ERROR, or a short transfer).</summary>
    DeviceError,

    /// <summary>The region is locked or write-disabled (FVB EFI_ACCESS_DENIED / WRITE_PROTECTED).</summary>
    WriteProtected,

    /// <summary>
    /// A read that this device cannot serve right now: OVMF's flash returns status bytes after an erase
    /// until the next write (see efi-app FvbFlashRegion).
    /// </summary>
    ReadNotReady,

    /// <summary>The power went away (only the simulated region in the host tests reports it).</summary>
    PowerLost,
}
