namespace UefiRecovery.Efi.Services.Firmware;

/// <summary>The stable lower-case names fvbcheck prints for its values (docs/firmware-regions.md).</summary>
internal static class FirmwareNames
{
    public static string Backing(FvbBacking backing) => backing switch
    {
        FvbBacking.Flash => "flash",
        FvbBacking.Ram => "ram",
        FvbBacking.Unmapped => "unmapped",
        _ => "unknown",
    };

    public static string HeaderStatus(FvHeaderStatus status) => status switch
    {
        FvHeaderStatus.Valid => "valid",
        FvHeaderStatus.TooShort => "too-short",
        FvHeaderStatus.BadSignature => "bad-signature",
        FvHeaderStatus.BadRevision => "bad-revision",
        FvHeaderStatus.BadHeaderLength => "bad-header-length",
        FvHeaderStatus.BadChecksum => "bad-checksum",
        FvHeaderStatus.BadBlockMap => "bad-block-map",
        FvHeaderStatus.BlockMapLengthMismatch => "block-map-length-mismatch",
        _ => "bad-ext-header-offset",
    };

    public static string WriteStatus(FlashWriteStatus status) => status switch
    {
        FlashWriteStatus.Success => "success",
        FlashWriteStatus.ImageSizeMismatch => "image-size-mismatch",
        FlashWriteStatus.ReadFailed => "read-failed",
        FlashWriteStatus.EraseFailed => "erase-failed",
        FlashWriteStatus.WriteFailed => "write-failed",
        _ => "verify-failed",
    };

    public static string FlashStatus(Core.Firmware.FlashStatus status) => status switch
    {
        Core.Firmware.FlashStatus.Ok => "ok",
        Core.Firmware.FlashStatus.OutOfRange => "out-of-range",
        Core.Firmware.FlashStatus.DeviceError => "device-error",
        Core.Firmware.FlashStatus.WriteProtected => "write-protected",
        Core.Firmware.FlashStatus.ReadNotReady => "read-not-ready",
        _ => "power-lost",
    };

    public static string Action(BlockAction action) => action switch
    {
        BlockAction.Skip => "skip",
        BlockAction.Program => "program",
        _ => "erase-program",
    };

    public static string Marker(RecoveryMarkerState state) => state switch
    {
        RecoveryMarkerState.Absent => "absent",
        RecoveryMarkerState.InProgress => "in-progress",
        RecoveryMarkerState.Complete => "complete",
        _ => "unreadable",
    };

    public static string Recovery(RecoveryStatus status) => status switch
    {
        RecoveryStatus.Recovered => "recovered",
        RecoveryStatus.ImageNotValidForTarget => "image-not-valid-for-target",
        RecoveryStatus.MarkerNotRecorded => "marker-not-recorded",
        RecoveryStatus.WriteFailed => "write-failed",
        _ => "completion-not-recorded",
    };
}
