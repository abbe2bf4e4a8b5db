namespace UefiRecovery.Core.Firmware;

/// <summary>Why <see cref="RegionValidator"/> called a region valid or invalid; the text is in <see cref="RegionReasonText"/>.</summary>
public enum RegionReason
{
    Valid,
    RecoveryInProgress,
    MarkerUnreadable,
    GeometryMismatch,
    ReadFailed,
    FvHeaderTooShort,
    FvHeaderBadSignature,
    FvHeaderBadRevision,
    FvHeaderBadHeaderLength,
    FvHeaderBadChecksum,
    FvHeaderBadBlockMap,
    FvHeaderBlockMapLengthMismatch,
    FvHeaderBadExtHeaderOffset,
    FileSystemGuidMismatch,
    FvLengthMismatch,
    BlockMapMismatch,
    ErasePolarityZero,
    VariableStoreTooShort,
    VariableStoreErased,
    VariableStoreBadSignature,
    VariableStoreBadFormat,
    VariableStoreBadState,
    VariableStoreBadSize,
}
