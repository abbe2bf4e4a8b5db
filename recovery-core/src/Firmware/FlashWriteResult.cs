namespace UefiRecovery.Core.Firmware;

/// <summary>What <see cref="FlashWriter.Write"/> did: the outcome, where it stopped and why, and the counts.</summary>
public readonly struct FlashWriteResult
{
    public FlashWriteResult(FlashWriteStatus status, int block, FlashStatus deviceStatus, int blocksWritten,
        int blocksSkipped, int erases, int retries)
    {
        Status = status;
        Block = block;
        DeviceStatus = deviceStatus;
        BlocksWritten = blocksWritten;
        BlocksSkipped = blocksSkipped;
        Erases = erases;
        Retries = retries;
    }

    public FlashWriteStatus Status { get; }

    public bool IsSuccess => Status == FlashWriteStatus.Success;

    /// <summary>The block the failure happened in; -1 on success or for a size mismatch.</summary>
    public int Block { get; }

    /// <summary>The device's status for the last failed operation (Ok when the failure was a compare).</summary>
    public FlashStatus DeviceStatus { get; }

    /// <summary>Blocks erased, written and verified.</summary>
    public int BlocksWritten { get; }

    /// <summary>Blocks left alone because they already held the image's bytes.</summary>
    public int BlocksSkipped { get; }

    /// <summary>Erase operations issued (the flash wear this write cost).</summary>
    public int Erases { get; }

    /// <summary>Attempts beyond the first, over all blocks.</summary>
    public int Retries { get; }
}
