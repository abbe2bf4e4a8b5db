using System;

namespace UefiRecovery.Core.Firmware;

/// <summary>
/// The validity rule (docs/firmware-regions.md). A region is valid when ALL hold:
/// 1. no recovery marker says InProgress (or is unreadable): an interrupted recovery stays invalid even
///    after the firmware re-creates a header in the region (OVMF does);
/// 2. the device geometry equals the configuration;
/// 3. the FV header parses (signature, revision, HeaderLength, checksum, block map, ExtHeaderOffset);
/// 4. its FileSystemGuid, FvLength and block map equal the configuration (a target whose header maps the device:
///    at least its blocks, of its size), erase polarity 1;
/// 5. for an NV store, the VARIABLE_STORE_HEADER after the FV header is formatted and healthy and fits.
/// Everything here survives the firmware's own variable writes, which change only the variable area
/// and FTW blocks, never these headers.
/// </summary>
public static class RegionValidator
{
    /// <summary>
    /// Validates from the region's first bytes (<paramref name="headerBlock"/>, normally all of block 0).
    /// </summary>
    public static RegionVerdict Validate(ReadOnlySpan<byte> headerBlock, in RegionTarget target, RecoveryMarkerState marker)
    {
        if (marker == RecoveryMarkerState.InProgress)
        {
            return Invalid(RegionReason.RecoveryInProgress);
        }
        if (marker == RecoveryMarkerState.Unreadable)
        {
            return Invalid(RegionReason.MarkerUnreadable);
        }

        FvHeaderStatus status = FvHeader.TryParse(headerBlock, target.HeaderMapsDevice, out FvHeader header);
        if (status != FvHeaderStatus.Valid)
        {
            return Invalid(FromHeaderStatus(status));
        }
        if (!header.FileSystemGuid.Equals(target.FileSystemGuid))
        {
            return new RegionVerdict(RegionReason.FileSystemGuidMismatch, header, true);
        }
        if (header.FvLength != target.FvLength)
        {
            return new RegionVerdict(RegionReason.FvLengthMismatch, header, true);
        }
        bool blocksFit = target.HeaderMapsDevice ? header.BlockCount >= (ulong)target.BlockCount : header.BlockCount == (ulong)target.BlockCount;
        if (!header.HasUniformBlocks || header.FirstBlockSize != (uint)target.BlockSize || !blocksFit)
        {
            return new RegionVerdict(RegionReason.BlockMapMismatch, header, true);
        }
        if (!header.ErasePolarityIsOne)
        {
            return new RegionVerdict(RegionReason.ErasePolarityZero, header, true);
        }

        if (target.IsVariableStore)
        {
            ReadOnlySpan<byte> store = headerBlock.Slice(header.HeaderLength);
            VariableStoreStatus storeStatus = VariableStoreHeader.TryParse(store, header.FvLength - header.HeaderLength, out _);
            if (storeStatus != VariableStoreStatus.Valid)
            {
                return new RegionVerdict(FromStoreStatus(storeStatus), header, true);
            }
        }
        return new RegionVerdict(RegionReason.Valid, header, true);
    }

    /// <summary>Reads block 0 of <paramref name="region"/> into <paramref name="blockBuffer"/> (BlockSize bytes) and validates it.</summary>
    public static RegionVerdict Validate(IFlashRegion region, in RegionTarget target, RecoveryMarkerState marker, Span<byte> blockBuffer)
    {
        if (region.BlockSize != target.BlockSize || region.BlockCount != target.BlockCount || blockBuffer.Length < region.BlockSize)
        {
            return Invalid(RegionReason.GeometryMismatch);
        }
        Span<byte> block = blockBuffer.Slice(0, region.BlockSize);
        if (region.TryRead(0, 0, block) != FlashStatus.Ok)
        {
            return Invalid(RegionReason.ReadFailed);
        }
        return Validate(block, target, marker);
    }

    private static RegionVerdict Invalid(RegionReason reason) => new(reason, default, false);

    private static RegionReason FromHeaderStatus(FvHeaderStatus status) => status switch
    {
        FvHeaderStatus.TooShort => RegionReason.FvHeaderTooShort,
        FvHeaderStatus.BadSignature => RegionReason.FvHeaderBadSignature,
        FvHeaderStatus.BadRevision => RegionReason.FvHeaderBadRevision,
        FvHeaderStatus.BadHeaderLength => RegionReason.FvHeaderBadHeaderLength,
        FvHeaderStatus.BadChecksum => RegionReason.FvHeaderBadChecksum,
        FvHeaderStatus.BadBlockMap => RegionReason.FvHeaderBadBlockMap,
        FvHeaderStatus.BlockMapLengthMismatch => RegionReason.FvHeaderBlockMapLengthMismatch,
        _ => RegionReason.FvHeaderBadExtHeaderOffset,
    };

    private static RegionReason FromStoreStatus(VariableStoreStatus status) => status switch
    {
        VariableStoreStatus.TooShort => RegionReason.VariableStoreTooShort,
        VariableStoreStatus.Erased => RegionReason.VariableStoreErased,
        VariableStoreStatus.BadSignature => RegionReason.VariableStoreBadSignature,
        VariableStoreStatus.BadFormat => RegionReason.VariableStoreBadFormat,
        VariableStoreStatus.BadState => RegionReason.VariableStoreBadState,
        _ => RegionReason.VariableStoreBadSize,
    };
}
