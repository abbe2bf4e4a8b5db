namespace UefiRecovery.Efi.Services.Firmware;

/// <summary>
/// <see cref="IFlashRegion"/> over one FVB2 instance with equal blocks. Handles OVMF's CFI quirk: after
/// EraseBlocks the flash answers reads with status bytes (80h 00h) until the next Write, so a read in
/// that state is refused (<see cref="FlashStatus.ReadNotReady"/>) instead of returning wrong bytes.
/// <see cref="FlashWriter"/> never reads before writing an erased block, so it never meets the refusal.
/// </summary>
internal sealed class FvbFlashRegion : IFlashRegion
{
    private readonly UefiFirmwareVolumeBlock _fvb;
    private bool _erasedSinceLastWrite;

    public FvbFlashRegion(UefiFirmwareVolumeBlock fvb, int blockSize, int blockCount)
    {
        _fvb = fvb;
        BlockSize = blockSize;
        BlockCount = blockCount;
    }

    public int BlockSize { get; }

    public int BlockCount { get; }

    public FlashStatus TryRead(int lba, int offset, Span<byte> destination)
    {
        if (!InRange(lba, offset, destination.Length))
        {
            return FlashStatus.OutOfRange;
        }
        if (_erasedSinceLastWrite)
        {
            return FlashStatus.ReadNotReady;
        }
        EfiResult<int> read = _fvb.Read((ulong)lba, (nuint)offset, destination);
        return read.IsSuccess ? FlashStatus.Ok : FromStatus(read.Status);
    }

    public FlashStatus TryErase(int firstLba, int count)
    {
        if (firstLba < 0 || count <= 0 || firstLba > BlockCount - count)
        {
            return FlashStatus.OutOfRange;
        }
        // Whatever the outcome, the device may now be in read-status mode.
        _erasedSinceLastWrite = true;
        EfiResult erase = _fvb.EraseBlocks((ulong)firstLba, (nuint)count);
        return erase.IsSuccess ? FlashStatus.Ok : FromStatus(erase.Status);
    }

    public FlashStatus TryWrite(int lba, int offset, ReadOnlySpan<byte> source)
    {
        if (!InRange(lba, offset, source.Length))
        {
            return FlashStatus.OutOfRange;
        }
        if (source.IsEmpty)
        {
            return FlashStatus.Ok;
        }
        EfiResult<int> write = _fvb.Write((ulong)lba, (nuint)offset, source);
        // OVMF's QemuFlashWrite ends with a read-array command, even after a failed byte.
        _erasedSinceLastWrite = false;
        return write.IsSuccess ? FlashStatus.Ok : FromStatus(write.Status);
    }

    private static FlashStatus FromStatus(EfiStatus status)
    {
        if (status == EfiStatus.AccessDenied || status == EfiStatus.WriteProtected)
        {
            return FlashStatus.WriteProtected;
        }
        if (status == EfiStatus.InvalidParameter || status == EfiStatus.BadBufferSize)
        {
            return FlashStatus.OutOfRange;
        }
        return FlashStatus.DeviceError;
    }

    private bool InRange(int lba, int offset, int length) =>
        lba >= 0 && lba < BlockCount && offset >= 0 && offset <= BlockSize && length <= BlockSize - offset;
}
