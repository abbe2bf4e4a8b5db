using System;

namespace UefiRecovery.Core.Firmware;

/// <summary>
/// Writes an already verified recovery image (the capsule payload, R1) into a region with the marker
/// protocol: the image must itself pass the validity rule for the target (R5), the marker goes to
/// InProgress before the first erase, <see cref="FlashWriter"/> writes and verifies every block, and
/// only then the marker goes to Complete. Any interruption leaves InProgress, which the validator
/// reports as invalid at the next boot, whatever the firmware did to the region meanwhile.
/// </summary>
public static class RegionRecovery
{
    public static RecoveryResult Run(FlashWriter writer, IRecoveryMarkerStore marker, in RegionTarget target,
        ReadOnlySpan<byte> image, FlashWriteMode mode, HeaderBlockPolicy policy)
    {
        RegionVerdict imageVerdict = RegionValidator.Validate(image, target, RecoveryMarkerState.Absent);
        if (!imageVerdict.IsValid || (long)image.Length != (long)target.BlockSize * target.BlockCount)
        {
            return new RecoveryResult(RecoveryStatus.ImageNotValidForTarget, imageVerdict, default);
        }
        if (!marker.TryWrite(RecoveryMarkerState.InProgress))
        {
            return new RecoveryResult(RecoveryStatus.MarkerNotRecorded, imageVerdict, default);
        }

        // The headers that decide validity: the FV header, and for an NV store the store header after it.
        int headerLength = imageVerdict.Header.HeaderLength + (target.IsVariableStore ? VariableStoreHeader.Length : 0);
        FlashWriteResult write = writer.Write(image, headerLength, mode, policy);
        if (!write.IsSuccess)
        {
            return new RecoveryResult(RecoveryStatus.WriteFailed, imageVerdict, write);
        }
        return marker.TryWrite(RecoveryMarkerState.Complete)
            ? new RecoveryResult(RecoveryStatus.Recovered, imageVerdict, write)
            : new RecoveryResult(RecoveryStatus.CompletionNotRecorded, imageVerdict, write);
    }
}
