using System;

namespace UefiRecovery.Core.Firmware;

/// <summary>
/// Writes a whole-region image block by block: compare first and skip identical blocks, then erase,
/// write, read back and compare each changed block, retrying a bounded number of times.
///
/// Power-loss order (docs/firmware-regions.md, <see cref="HeaderBlockPolicy"/>): with InvalidateFirst
/// the header block (block 0) is erased FIRST and written LAST, FV header bytes last of all, so before
/// the final header write completes the region has no valid FV header and an interrupted write is
/// never a valid-looking mixture. With KeepBootable (OVMF) block 0 is written in order, headers first,
/// and the recovery marker kept outside the region (<see cref="RegionRecovery"/>) detects interruptions.
/// Buffers are allocated once, in the constructor.
/// </summary>
public sealed class FlashWriter
{
    public const int HeaderBlock = 0;

    private readonly IFlashRegion _region;
    private readonly byte[] _readBack;
    private readonly bool[] _changed;
    private readonly int _maxAttempts;

    private int _erases;
    private int _retries;
    private FlashStatus _lastDeviceStatus;

    public FlashWriter(IFlashRegion region, int maxAttempts)
    {
        _region = region;
        _readBack = new byte[region.BlockSize];
        _changed = new bool[region.BlockCount];
        _maxAttempts = maxAttempts < 1 ? 1 : maxAttempts;
    }

    /// <summary>
    /// Writes <paramref name="image"/> (exactly the region's size). <paramref name="headerLength"/> is the
    /// length of the FV header at the start of block 0: those bytes are written after everything else.
    /// </summary>
    public FlashWriteResult Write(ReadOnlySpan<byte> image, int headerLength, FlashWriteMode mode) =>
        Write(image, headerLength, mode, HeaderBlockPolicy.InvalidateFirst);

    /// <summary>As above, with the block-0 order chosen by <paramref name="policy"/>.</summary>
    public FlashWriteResult Write(ReadOnlySpan<byte> image, int headerLength, FlashWriteMode mode, HeaderBlockPolicy policy)
    {
        _erases = 0;
        _retries = 0;
        _lastDeviceStatus = FlashStatus.Ok;
        int blockSize = _region.BlockSize;
        int blockCount = _region.BlockCount;
        if (blockSize <= 0 || blockCount <= 0 || image.Length / blockSize != blockCount || image.Length % blockSize != 0
            || headerLength <= 0 || headerLength > blockSize)
        {
            return Result(FlashWriteStatus.ImageSizeMismatch, -1, 0, 0);
        }

        // Compare first: only changed blocks are erased (unless every block is asked for).
        int changedCount = 0;
        for (int lba = 0; lba < blockCount; lba++)
        {
            FlashStatus read = _region.TryRead(lba, 0, _readBack);
            if (read != FlashStatus.Ok)
            {
                _lastDeviceStatus = read;
                return Result(FlashWriteStatus.ReadFailed, lba, 0, 0);
            }
            bool differs = mode == FlashWriteMode.AllBlocks || !_readBack.AsSpan().SequenceEqual(Block(image, lba));
            _changed[lba] = differs;
            if (differs)
            {
                changedCount++;
            }
        }
        if (changedCount == 0)
        {
            return Result(FlashWriteStatus.Success, -1, 0, blockCount);
        }

        if (policy == HeaderBlockPolicy.KeepBootable)
        {
            return WriteInOrder(image, headerLength, blockCount - changedCount);
        }

        // Invalidate the header first, even when block 0 itself is unchanged.
        bool headerErased = false;
        for (int attempt = 0; attempt < _maxAttempts && !headerErased; attempt++)
        {
            headerErased = TryErase(HeaderBlock);
        }
        if (!headerErased)
        {
            return Result(FlashWriteStatus.EraseFailed, HeaderBlock, 0, 0);
        }
        int written = 0;
        for (int lba = 1; lba < blockCount; lba++)
        {
            if (!_changed[lba])
            {
                continue;
            }
            FlashWriteStatus status = ProgramBlock(lba, Block(image, lba), 0, eraseFirst: true);
            if (status != FlashWriteStatus.Success)
            {
                return Result(status, lba, written, blockCount - changedCount);
            }
            written++;
        }

        // Block 0 was erased above: body first, FV header bytes last.
        FlashWriteStatus header = ProgramBlock(HeaderBlock, Block(image, HeaderBlock), headerLength, eraseFirst: false);
        if (header != FlashWriteStatus.Success)
        {
            return Result(header, HeaderBlock, written, blockCount - changedCount);
        }
        written++;
        return VerifyAll(image, written, blockCount - written);
    }

    // KeepBootable: changed blocks in LBA order; in block 0 the headers are written right after its erase.
    private FlashWriteResult WriteInOrder(ReadOnlySpan<byte> image, int headerLength, int skipped)
    {
        int written = 0;
        for (int lba = 0; lba < _region.BlockCount; lba++)
        {
            if (!_changed[lba])
            {
                continue;
            }
            FlashWriteStatus status = ProgramBlock(lba, Block(image, lba), lba == HeaderBlock ? -headerLength : 0, eraseFirst: true);
            if (status != FlashWriteStatus.Success)
            {
                return Result(status, lba, written, skipped);
            }
            written++;
        }
        return VerifyAll(image, written, skipped);
    }

    // Final verification of the whole region (R6: read back what was written, nothing assumed).
    private FlashWriteResult VerifyAll(ReadOnlySpan<byte> image, int written, int skipped)
    {
        for (int lba = 0; lba < _region.BlockCount; lba++)
        {
            FlashStatus read = _region.TryRead(lba, 0, _readBack);
            if (read != FlashStatus.Ok)
            {
                _lastDeviceStatus = read;
                return Result(FlashWriteStatus.ReadFailed, lba, written, skipped);
            }
            if (!_readBack.AsSpan().SequenceEqual(Block(image, lba)))
            {
                return Result(FlashWriteStatus.VerifyFailed, lba, written, skipped);
            }
        }
        return Result(FlashWriteStatus.Success, -1, written, skipped);
    }

    // Erase (unless the caller just did), write, read back, compare; up to _maxAttempts times.
    // split > 0: write [split, end) first, then the header [0, split). split < 0: header [0, -split) first, then the rest.
    private FlashWriteStatus ProgramBlock(int lba, ReadOnlySpan<byte> data, int split, bool eraseFirst)
    {
        FlashWriteStatus last = FlashWriteStatus.WriteFailed;
        for (int attempt = 0; attempt < _maxAttempts; attempt++)
        {
            if (attempt > 0)
            {
                _retries++;
            }
            if ((eraseFirst || attempt > 0) && !TryErase(lba))
            {
                last = FlashWriteStatus.EraseFailed;
                continue;
            }

            FlashStatus write;
            if (split > 0)
            {
                write = _region.TryWrite(lba, split, data.Slice(split));
                if (write == FlashStatus.Ok)
                {
                    write = _region.TryWrite(lba, 0, data.Slice(0, split));
                }
            }
            else if (split < 0)
            {
                write = _region.TryWrite(lba, 0, data.Slice(0, -split));
                if (write == FlashStatus.Ok)
                {
                    write = _region.TryWrite(lba, -split, data.Slice(-split));
                }
            }
            else
            {
                write = _region.TryWrite(lba, 0, data);
            }
            if (write != FlashStatus.Ok)
            {
                _lastDeviceStatus = write;
                last = FlashWriteStatus.WriteFailed;
                continue;
            }

            FlashStatus read = _region.TryRead(lba, 0, _readBack);
            if (read != FlashStatus.Ok)
            {
                _lastDeviceStatus = read;
                last = FlashWriteStatus.ReadFailed;
                continue;
            }
            if (_readBack.AsSpan().SequenceEqual(data))
            {
                return FlashWriteStatus.Success;
            }
            _lastDeviceStatus = FlashStatus.Ok;
            last = FlashWriteStatus.VerifyFailed;
        }
        return last;
    }

    private bool TryErase(int lba)
    {
        _erases++;
        FlashStatus status = _region.TryErase(lba, 1);
        if (status != FlashStatus.Ok)
        {
            _lastDeviceStatus = status;
            return false;
        }
        return true;
    }

    private ReadOnlySpan<byte> Block(ReadOnlySpan<byte> image, int lba) =>
        image.Slice(lba * _region.BlockSize, _region.BlockSize);

    private FlashWriteResult Result(FlashWriteStatus status, int block, int written, int skipped) =>
        new(status, block, status == FlashWriteStatus.Success ? FlashStatus.Ok : _lastDeviceStatus, written, skipped, _erases, _retries);
}
