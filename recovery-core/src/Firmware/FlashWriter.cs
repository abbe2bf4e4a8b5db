using System;
using UefiRecovery.Core.Crypto;

namespace UefiRecovery.Core.Firmware;

/// <summary>
/// Writes a whole-region image block by block, touching only what must change (flashrom's way):
/// 1. compare every block with the image first: equal → <see cref="BlockAction.Skip"/>; the image only
///    clears bits → <see cref="BlockAction.Program"/> in place (no erase); else
///    <see cref="BlockAction.EraseAndProgram"/> (<see cref="FlashWriteMode.AllBlocks"/> erases every block);
/// 2. per changed block: erase if needed, program only the bytes that are not already right (after an
///    erase, the non-FFh runs; in place, the differing runs), read the block back and compare, retrying a
///    bounded number of times (a retry always erases);
/// 3. after the last block, read the whole region back, compare it with the image and hash it
///    (<see cref="RegionDigest"/> must equal <see cref="ImageDigest"/>).
///
/// The order protects the header block (block 0: FV header, and in an NV store the variable store header);
/// docs/firmware-regions.md has the argument for every cut point:
/// - <see cref="HeaderBlockPolicy.KeepBootable"/> (OVMF): the other blocks from the last down to 1, then
///   block 0 LAST; right after block 0's erase its headers are the very next write, with nothing (no
///   observer call, no other operation) in between; block 0 is programmed in place only when its headers
///   already equal the image's. A power cut outside that erase-to-header stretch leaves valid headers.
/// - <see cref="HeaderBlockPolicy.InvalidateFirst"/>: block 0 erased FIRST (even if unchanged) and written
///   LAST, headers last of all, so an interrupted write never shows a valid header.
/// Buffers and the hash state are allocated once, in the constructor.
/// </summary>
public sealed class FlashWriter
{
    public const int HeaderBlock = 0;

    /// <summary>Erased or equal gaps shorter than this between bytes to program are programmed too: one device call instead of two.</summary>
    public const int MergeGap = 32;

    private const byte Erased = 0xFF;

    /// <summary>EFI_FIRMWARE_VOLUME_HEADER.ZeroVector: the header's first 16 bytes.</summary>
    private const int ZeroVectorLength = 16;

    private readonly IFlashRegion _region;
    private readonly byte[] _readBack;
    private readonly byte[] _current;
    private readonly byte[] _plan;
    private readonly int _maxAttempts;
    private readonly Sha256 _sha = new();
    private readonly byte[] _imageDigest = new byte[Sha256.DigestSize];
    private readonly byte[] _regionDigest = new byte[Sha256.DigestSize];

    private int _erases;
    private int _retries;
    private int _inPlace;
    private long _bytesProgrammed;
    private bool _headerErased;
    private FlashStatus _lastDeviceStatus;

    public FlashWriter(IFlashRegion region, int maxAttempts)
    {
        _region = region;
        _readBack = new byte[region.BlockSize];
        _current = new byte[region.BlockSize];
        _plan = new byte[region.BlockCount];
        _maxAttempts = maxAttempts < 1 ? 1 : maxAttempts;
    }

    /// <summary>Told before and after each block that is written (null: nobody).</summary>
    public IFlashWriteProgress? Progress { get; set; }

    /// <summary>SHA-256 of the image of the last <see cref="Write"/> that reached the final verification (else all zero).</summary>
    public ReadOnlySpan<byte> ImageDigest => _imageDigest;

    /// <summary>SHA-256 of the region as read back by the final verification (all zero when it did not run to the end).</summary>
    public ReadOnlySpan<byte> RegionDigest => _regionDigest;

    /// <summary>The action the last <see cref="Write"/> planned for <paramref name="lba"/>.</summary>
    public BlockAction PlannedAction(int lba) => (uint)lba < (uint)_plan.Length ? (BlockAction)_plan[lba] : BlockAction.Skip;

    /// <summary>
    /// Writes <paramref name="image"/> (exactly the region's size). <paramref name="headerLength"/> is the
    /// length of the headers at the start of block 0 (FV header, plus the variable store header in an NV store).
    /// </summary>
    public FlashWriteResult Write(ReadOnlySpan<byte> image, int headerLength, FlashWriteMode mode) =>
        Write(image, headerLength, mode, HeaderBlockPolicy.InvalidateFirst);

    /// <summary>As above, with the block-0 order chosen by <paramref name="policy"/>.</summary>
    public FlashWriteResult Write(ReadOnlySpan<byte> image, int headerLength, FlashWriteMode mode, HeaderBlockPolicy policy)
    {
        _erases = 0;
        _retries = 0;
        _inPlace = 0;
        _bytesProgrammed = 0;
        _headerErased = false;
        _lastDeviceStatus = FlashStatus.Ok;
        _imageDigest.AsSpan().Clear();
        _regionDigest.AsSpan().Clear();
        int blockSize = _region.BlockSize;
        int blockCount = _region.BlockCount;
        if (blockSize <= 0 || blockCount <= 0 || image.Length / blockSize != blockCount || image.Length % blockSize != 0
            || headerLength <= 0 || headerLength > blockSize)
        {
            return Result(FlashWriteStatus.ImageSizeMismatch, -1, 0, 0);
        }

        // 1. Compare first: every block's action is decided before anything is erased.
        int changed = 0;
        for (int lba = 0; lba < blockCount; lba++)
        {
            FlashStatus read = _region.TryRead(lba, 0, _readBack);
            if (read != FlashStatus.Ok)
            {
                _lastDeviceStatus = read;
                return Result(FlashWriteStatus.ReadFailed, lba, 0, 0);
            }
            BlockAction action = Classify(_readBack, Block(image, lba), mode, lba == HeaderBlock ? headerLength : 0);
            _plan[lba] = (byte)action;
            changed += action == BlockAction.Skip ? 0 : 1;
        }
        int skipped = blockCount - changed;
        int written = 0;

        // 2. The changed blocks, in the policy's order.
        if (policy == HeaderBlockPolicy.KeepBootable)
        {
            for (int lba = blockCount - 1; lba >= 0; lba--)
            {
                if (_plan[lba] == (byte)BlockAction.Skip)
                {
                    continue;
                }
                FlashWriteStatus status = ProgramBlock(lba, Block(image, lba), (BlockAction)_plan[lba], lba == HeaderBlock ? headerLength : 0, 0);
                if (status != FlashWriteStatus.Success)
                {
                    return Result(status, lba, written, skipped);
                }
                written++;
            }
            return VerifyAll(image, written, skipped);
        }

        // InvalidateFirst: no valid header from the first erase until the very last write.
        if (changed > 0)
        {
            if (_plan[HeaderBlock] == (byte)BlockAction.Skip)
            {
                _plan[HeaderBlock] = (byte)BlockAction.EraseAndProgram;
                skipped--;
            }
            bool headerErased = false;
            for (int attempt = 0; attempt < _maxAttempts && !headerErased; attempt++)
            {
                headerErased = TryErase(HeaderBlock);
            }
            if (!headerErased)
            {
                return Result(FlashWriteStatus.EraseFailed, HeaderBlock, 0, skipped);
            }
            for (int lba = 1; lba < blockCount; lba++)
            {
                if (_plan[lba] == (byte)BlockAction.Skip)
                {
                    continue;
                }
                FlashWriteStatus status = ProgramBlock(lba, Block(image, lba), (BlockAction)_plan[lba], 0, 0);
                if (status != FlashWriteStatus.Success)
                {
                    return Result(status, lba, written, skipped);
                }
                written++;
            }
            // Block 0 is erased already: body first, headers last.
            FlashWriteStatus header = ProgramBlock(HeaderBlock, Block(image, HeaderBlock), BlockAction.EraseAndProgram, 0, headerLength, alreadyErased: true);
            if (header != FlashWriteStatus.Success)
            {
                return Result(header, HeaderBlock, written, skipped);
            }
            written++;
        }
        return VerifyAll(image, written, skipped);
    }

    /// <summary>
    /// The action for one block. The header block is programmed in place only when its headers are already the
    /// image's: programming changed header bytes one by one would pass through invalid headers.
    /// </summary>
    public static BlockAction Classify(ReadOnlySpan<byte> current, ReadOnlySpan<byte> target, FlashWriteMode mode, int headerLength)
    {
        if (mode == FlashWriteMode.AllBlocks)
        {
            return BlockAction.EraseAndProgram;
        }
        if (current.SequenceEqual(target))
        {
            return BlockAction.Skip;
        }
        if (headerLength > 0 && !current.Slice(0, headerLength).SequenceEqual(target.Slice(0, headerLength)))
        {
            return BlockAction.EraseAndProgram;
        }
        return OnlyClearsBits(current, target) ? BlockAction.Program : BlockAction.EraseAndProgram;
    }

    /// <summary>True when programming <paramref name="target"/> over <paramref name="current"/> needs no erase (target AND NOT current = 0).</summary>
    public static bool OnlyClearsBits(ReadOnlySpan<byte> current, ReadOnlySpan<byte> target)
    {
        for (int i = 0; i < target.Length; i++)
        {
            if ((target[i] & ~current[i]) != 0)
            {
                return false;
            }
        }
        return true;
    }

    // Final verification of the whole region (R6: read back what was written, nothing assumed), hashed.
    private FlashWriteResult VerifyAll(ReadOnlySpan<byte> image, int written, int skipped)
    {
        Sha256.Hash(image, _imageDigest);
        _sha.Initialize();
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
            _sha.Append(_readBack);
        }
        _sha.Finish(_regionDigest);
        if (!_regionDigest.AsSpan().SequenceEqual(_imageDigest))
        {
            return Result(FlashWriteStatus.VerifyFailed, -1, written, skipped);
        }
        return Result(FlashWriteStatus.Success, -1, written, skipped);
    }

    // One block: erase if needed, program, read back, compare; up to _maxAttempts times (a retry erases).
    // headerFirst > 0: after an erase, bytes [0, headerFirst) are the very next write. headerLast > 0: they are the last.
    private FlashWriteStatus ProgramBlock(int lba, ReadOnlySpan<byte> data, BlockAction action, int headerFirst, int headerLast,
        bool alreadyErased = false)
    {
        Progress?.BlockStarting(lba, action);
        FlashWriteStatus last = FlashWriteStatus.WriteFailed;
        int attempt = 0;
        for (; attempt < _maxAttempts; attempt++)
        {
            if (attempt > 0)
            {
                _retries++;
            }
            FlashStatus write;
            if (action == BlockAction.EraseAndProgram || attempt > 0 || alreadyErased)
            {
                if (!(alreadyErased && attempt == 0) && !TryErase(lba))
                {
                    last = FlashWriteStatus.EraseFailed;
                    continue;
                }
                write = ProgramErased(lba, data, headerFirst, headerLast);
            }
            else
            {
                write = ProgramInPlace(lba, data, out bool stillClearsOnly);
                if (write == FlashStatus.Ok && !stillClearsOnly)
                {
                    // The block changed since the compare: the next attempt erases it.
                    last = FlashWriteStatus.VerifyFailed;
                    continue;
                }
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
                if (action == BlockAction.Program && attempt == 0 && !alreadyErased)
                {
                    _inPlace++;
                }
                Progress?.BlockFinished(lba, action, FlashWriteStatus.Success, attempt + 1);
                return FlashWriteStatus.Success;
            }
            _lastDeviceStatus = FlashStatus.Ok;
            last = FlashWriteStatus.VerifyFailed;
        }
        Progress?.BlockFinished(lba, action, last, attempt);
        return last;
    }

    // After an erase: the header first (KeepBootable) or last (InvalidateFirst), the rest as its non-FFh runs.
    // At least one write always follows the erase: some flash (OVMF's) reads status bytes until the next write.
    private FlashStatus ProgramErased(int lba, ReadOnlySpan<byte> data, int headerFirst, int headerLast)
    {
        int start = 0;
        int end = data.Length;
        bool wroteAny = false;
        if (headerFirst > 0)
        {
            FlashStatus header = WriteSpan(lba, 0, data.Slice(0, headerFirst));
            if (header != FlashStatus.Ok)
            {
                return header;
            }
            wroteAny = true;
            start = headerFirst;
        }
        if (headerLast > 0)
        {
            start = headerLast;
        }
        int offset = start;
        while (NextRun(data, data, againstErased: true, offset, end, out int runStart, out int runEnd))
        {
            FlashStatus run = WriteSpan(lba, runStart, data.Slice(runStart, runEnd - runStart));
            if (run != FlashStatus.Ok)
            {
                return run;
            }
            wroteAny = true;
            offset = runEnd;
        }
        if (headerLast > 0)
        {
            // The FV header's first 16 bytes (ZeroVector, zeros, inside its checksum) go last: while any of them
            // is still FFh the 16-bit sum cannot be 0, so the very last byte programmed is what makes it valid.
            int tail = headerLast > ZeroVectorLength ? ZeroVectorLength : 0;
            FlashStatus header = WriteSpan(lba, tail, data.Slice(tail, headerLast - tail));
            if (header == FlashStatus.Ok && tail > 0)
            {
                header = WriteSpan(lba, 0, data.Slice(0, tail));
            }
            if (header != FlashStatus.Ok)
            {
                return header;
            }
            wroteAny = true;
        }
        // An all-FFh block: programming one FFh byte changes nothing and ends the device's status mode.
        return wroteAny ? FlashStatus.Ok : WriteSpan(lba, 0, data.Slice(0, 1));
    }

    // No erase: re-read the block and program the runs where it differs (each only clears bits).
    private FlashStatus ProgramInPlace(int lba, ReadOnlySpan<byte> data, out bool clearsOnly)
    {
        clearsOnly = false;
        FlashStatus read = _region.TryRead(lba, 0, _current);
        if (read != FlashStatus.Ok)
        {
            return read;
        }
        if (!OnlyClearsBits(_current, data))
        {
            return FlashStatus.Ok;
        }
        clearsOnly = true;
        int offset = 0;
        while (NextRun(data, _current, againstErased: false, offset, data.Length, out int runStart, out int runEnd))
        {
            FlashStatus run = WriteSpan(lba, runStart, data.Slice(runStart, runEnd - runStart));
            if (run != FlashStatus.Ok)
            {
                return run;
            }
            offset = runEnd;
        }
        return FlashStatus.Ok;
    }

    /// <summary>
    /// The next run in [<paramref name="from"/>, <paramref name="to"/>) of bytes to program: bytes where
    /// <paramref name="data"/> differs from <paramref name="current"/>, or with <paramref name="againstErased"/>
    /// (an erased block; <paramref name="current"/> is not read) the bytes that are not FFh. Gaps shorter than
    /// <see cref="MergeGap"/> are taken into the run (programming them changes nothing).
    /// </summary>
    public static bool NextRun(ReadOnlySpan<byte> data, ReadOnlySpan<byte> current, bool againstErased, int from, int to,
        out int runStart, out int runEnd)
    {
        bool erased = againstErased;
        int i = from;
        while (i < to && !Differs(data, current, i, erased))
        {
            i++;
        }
        runStart = i;
        runEnd = i;
        if (i >= to)
        {
            return false;
        }
        runEnd = i + 1;
        for (int j = i + 1; j < to && j - runEnd < MergeGap; j++)
        {
            if (Differs(data, current, j, erased))
            {
                runEnd = j + 1;
            }
        }
        return true;
    }

    private static bool Differs(ReadOnlySpan<byte> data, ReadOnlySpan<byte> current, int i, bool erased) =>
        erased ? data[i] != Erased : data[i] != current[i];

    private FlashStatus WriteSpan(int lba, int offset, ReadOnlySpan<byte> bytes)
    {
        _bytesProgrammed += bytes.Length;
        return _region.TryWrite(lba, offset, bytes);
    }

    private bool TryErase(int lba)
    {
        _erases++;
        _headerErased |= lba == HeaderBlock;
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
        new(status, block, status == FlashWriteStatus.Success ? FlashStatus.Ok : _lastDeviceStatus, written, skipped, _erases, _retries,
            _inPlace, _bytesProgrammed, _headerErased);
}
