using System;

namespace UefiRecovery.Core.Firmware;

/// <summary>
/// A block-erasable flash region of equal blocks: on the firmware an FVB instance, on the host a
/// simulation. Flash semantics: an erase sets every bit of a block to the erase polarity (1: bytes
/// read FFh), a write can only clear bits. Reads and writes stay inside one block.
/// </summary>
public interface IFlashRegion
{
    /// <summary>Bytes per block.</summary>
    int BlockSize { get; }

    int BlockCount { get; }

    FlashStatus TryRead(int lba, int offset, Span<byte> destination);

    FlashStatus TryErase(int firstLba, int count);

    FlashStatus TryWrite(int lba, int offset, ReadOnlySpan<byte> source);
}
