namespace UefiRecovery.Core.Firmware;

/// <summary>What <see cref="RegionRecovery.Run"/> did: its outcome, the image's own verdict and the write result.</summary>
public readonly struct RecoveryResult
{
    public RecoveryResult(RecoveryStatus status, RegionVerdict imageVerdict, FlashWriteResult write)
    {
        Status = status;
        ImageVerdict = imageVerdict;
        Write = write;
    }

    public RecoveryStatus Status { get; }

    public RegionVerdict ImageVerdict { get; }

    public FlashWriteResult Write { get; }
}
