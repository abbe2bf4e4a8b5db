namespace UefiRecovery.Core.Firmware;

/// <summary>What <see cref="FlashWriter.Write"/> did: the outcome, where it stopped and why, and the counts.</summary>
public readonly struct FlashWriteResult(FlashWriteStatus status, int block, FlashStatus deviceStatus, int blocksWritten,
    int blocksSkipped, int erases, int retries, int blocksProgrammedInPlace, long bytesProgrammed, bool headerBlockErased)
{
    public FlashWriteStatus Status { get; } = status;

    public bool IsSuccess => Status == FlashWriteStatus.Success;

    /// <summary>The block the failure happened in; -1 on success or for a size mismatch.</summary>
    public int Block { get; } = block;

    /// <summary>The device's status for the last failed operation (Ok when the failure was a compare).</summary>
    public FlashStatus DeviceStatus { get; } = deviceStatus;

    /// <summary>Blocks changed (erased and programmed, or programmed in place) and read back equal.</summary>
    public int BlocksWritten { get; } = blocksWritten;

    /// <summary>Blocks left alone because they already held the image's bytes.</summary>
    public int BlocksSkipped { get; } = blocksSkipped;

    /// <summary>Erase operations issued (the flash wear this write cost).</summary>
    public int Erases { get; } = erases;

    /// <summary>Attempts beyond the first, over all blocks.</summary>
    public int Retries { get; } = retries;

    /// <summary>Of <see cref="BlocksWritten"/>, those whose change only cleared bits: programmed without an erase.</summary>
    public int BlocksProgrammedInPlace { get; } = blocksProgrammedInPlace;

    /// <summary>Bytes handed to the device's write (erased bytes that stay FFh are not programmed).</summary>
    public long BytesProgrammed { get; } = bytesProgrammed;

    /// <summary>
    /// The header block was erased: the one stretch of the write during which a power cut leaves no valid
    /// header (docs/firmware-regions.md). False when block 0 was unchanged or only programmed in place.
    /// </summary>
    public bool HeaderBlockErased { get; } = headerBlockErased;
}
