namespace UefiRecovery.Core.Firmware;

/// <summary>Stable machine-readable names and one-line explanations for <see cref="RegionReason"/> (printed by the app).</summary>
public static class RegionReasonText
{
    public static string Name(RegionReason reason) => reason switch
    {
        RegionReason.Valid => "valid",
        RegionReason.RecoveryInProgress => "recovery-in-progress",
        RegionReason.MarkerUnreadable => "marker-unreadable",
        RegionReason.GeometryMismatch => "geometry-mismatch",
        RegionReason.ReadFailed => "read-failed",
        RegionReason.FvHeaderTooShort => "fv-header-too-short",
        RegionReason.FvHeaderBadSignature => "fv-header-bad-signature",
        RegionReason.FvHeaderBadRevision => "fv-header-bad-revision",
        RegionReason.FvHeaderBadHeaderLength => "fv-header-bad-header-length",
        RegionReason.FvHeaderBadChecksum => "fv-header-bad-checksum",
        RegionReason.FvHeaderBadBlockMap => "fv-header-bad-block-map",
        RegionReason.FvHeaderBlockMapLengthMismatch => "fv-header-block-map-length-mismatch",
        RegionReason.FvHeaderBadExtHeaderOffset => "fv-header-bad-ext-header-offset",
        RegionReason.FileSystemGuidMismatch => "filesystem-guid-mismatch",
        RegionReason.FvLengthMismatch => "fv-length-mismatch",
        RegionReason.BlockMapMismatch => "block-map-mismatch",
        RegionReason.ErasePolarityZero => "erase-polarity-zero",
        RegionReason.VariableStoreTooShort => "variable-store-too-short",
        RegionReason.VariableStoreErased => "variable-store-erased",
        RegionReason.VariableStoreBadSignature => "variable-store-bad-signature",
        RegionReason.VariableStoreBadFormat => "variable-store-bad-format",
        RegionReason.VariableStoreBadState => "variable-store-bad-state",
        RegionReason.VariableStoreBadSize => "variable-store-bad-size",
        _ => "unknown",
    };

    public static string Message(RegionReason reason) => reason switch
    {
        RegionReason.Valid => "FV header, geometry and variable store header as configured",
        RegionReason.RecoveryInProgress => "a recovery of this region started and never completed",
        RegionReason.MarkerUnreadable => "the recovery marker exists but cannot be read",
        RegionReason.GeometryMismatch => "the device's block size or count differs from the configuration",
        RegionReason.ReadFailed => "the region's header block could not be read",
        RegionReason.FvHeaderTooShort => "FV header shorter than its fixed part or its HeaderLength",
        RegionReason.FvHeaderBadSignature => "FV header signature is not _FVH",
        RegionReason.FvHeaderBadRevision => "FV header revision is not 2",
        RegionReason.FvHeaderBadHeaderLength => "FV HeaderLength odd, too small or beyond FvLength",
        RegionReason.FvHeaderBadChecksum => "FV header 16-bit checksum is not zero",
        RegionReason.FvHeaderBadBlockMap => "FV block map unterminated or has a half-zero entry",
        RegionReason.FvHeaderBlockMapLengthMismatch => "FV block map does not add up to FvLength",
        RegionReason.FvHeaderBadExtHeaderOffset => "FV ExtHeaderOffset inside the header or past FvLength",
        RegionReason.FileSystemGuidMismatch => "FV FileSystemGuid differs from the configured one",
        RegionReason.FvLengthMismatch => "FvLength differs from the configured region size",
        RegionReason.BlockMapMismatch => "FV block map differs from the configured block size and count",
        RegionReason.ErasePolarityZero => "FV attributes say erased bits read 0",
        RegionReason.VariableStoreTooShort => "no room for a variable store header after the FV header",
        RegionReason.VariableStoreErased => "variable store header erased (all FFh)",
        RegionReason.VariableStoreBadSignature => "variable store signature is not a variable GUID",
        RegionReason.VariableStoreBadFormat => "variable store Format is not 5Ah",
        RegionReason.VariableStoreBadState => "variable store State is not FEh (healthy)",
        RegionReason.VariableStoreBadSize => "variable store Size smaller than its header or past the FV",
        _ => "unknown reason",
    };
}
