namespace UefiRecovery.Core.Firmware;

/// <summary>What <see cref="RegionRecovery.Run"/> did: its outcome, the image's own verdict and the write result.</summary>
public readonly struct RecoveryResult(RecoveryStatus status, RegionVerdict imageVerdict, FlashWriteResult write)
{
    public RecoveryStatus Status { get; } = status;

    public RegionVerdict ImageVerdict { get; } = imageVerdict;

    public FlashWriteResult Write { get; } = write;
}
