using System;
using System.Buffers.Binary;
using UefiRecovery.Core.Common;

namespace UefiRecovery.Core.Firmware;

/// <summary>
/// A parsed EFI_FIRMWARE_VOLUME_HEADER (PI 1.8 Vol. 3 §3.2.1). Layout: ZeroVector[16], FileSystemGuid
/// at 16, FvLength (UINT64) at 32, Signature "_FVH" at 40, Attributes at 44, HeaderLength (UINT16) at 48,
/// Checksum at 50, ExtHeaderOffset at 52, Reserved at 54, Revision at 55, BlockMap[] of
/// {NumBlocks, Length} (UINT32 each) at 56, ended by {0,0}. Every length is checked before use.
/// </summary>
public readonly struct FvHeader
{
    /// <summary>"_FVH" read as a little-endian UINT32.</summary>
    public const uint Signature = 0x4856_465F;

    /// <summary>EFI_FVH_REVISION.</summary>
    public const byte Revision = 2;

    public const int BlockMapOffset = 56;
    public const int BlockMapEntrySize = 8;

    /// <summary>The fixed part, one block-map entry and the terminator.</summary>
    public const int MinimumLength = BlockMapOffset + 2 * BlockMapEntrySize;

    /// <summary>EFI_FIRMWARE_VOLUME_EXT_HEADER: FvName (16) + ExtHeaderSize (4).</summary>
    public const int ExtHeaderMinimumLength = 20;

    /// <summary>EFI_FVB2_ERASE_POLARITY: erased bits read as 1.</summary>
    public const uint ErasePolarityAttribute = 0x0000_0800;

    private FvHeader(EfiGuid fileSystemGuid, ulong fvLength, uint attributes, ushort headerLength,
        ushort extHeaderOffset, uint blockSize, ulong blockCount, int blockMapEntries)
    {
        FileSystemGuid = fileSystemGuid;
        FvLength = fvLength;
        Attributes = attributes;
        HeaderLength = headerLength;
        ExtHeaderOffset = extHeaderOffset;
        FirstBlockSize = blockSize;
        BlockCount = blockCount;
        BlockMapEntries = blockMapEntries;
    }

    public EfiGuid FileSystemGuid { get; }

    public ulong FvLength { get; }

    /// <summary>EFI_FVB_ATTRIBUTES_2 as stored in the header.</summary>
    public uint Attributes { get; }

    public ushort HeaderLength { get; }

    public ushort ExtHeaderOffset { get; }

    /// <summary>Length of the blocks in the first block-map entry.</summary>
    public uint FirstBlockSize { get; }

    /// <summary>Blocks over all block-map entries.</summary>
    public ulong BlockCount { get; }

    /// <summary>Non-terminator block-map entries.</summary>
    public int BlockMapEntries { get; }

    /// <summary>One block size for the whole volume (one block-map entry).</summary>
    public bool HasUniformBlocks => BlockMapEntries == 1;

    public bool ErasePolarityIsOne => (Attributes & ErasePolarityAttribute) != 0;

    /// <summary>
    /// Parses the header at the start of <paramref name="bytes"/> (the volume's first bytes, at least
    /// HeaderLength of them). The checks are EDK2's (OvmfPkg ValidateFvHeader) and then the block map's.
    /// </summary>
    public static FvHeaderStatus TryParse(ReadOnlySpan<byte> bytes, out FvHeader header) => TryParse(bytes, allowDeviceMap: false, out header);

    /// <summary>
    /// As <see cref="TryParse(ReadOnlySpan{byte}, out FvHeader)"/>; with <paramref name="allowDeviceMap"/> a block map of
    /// one entry may describe more than the volume (the device it starts), as long as FvLength is a whole number of
    /// its blocks (<see cref="RegionTarget.HeaderMapsDevice"/>).
    /// </summary>
    public static FvHeaderStatus TryParse(ReadOnlySpan<byte> bytes, bool allowDeviceMap, out FvHeader header)
    {
        header = default;
        if (bytes.Length < MinimumLength)
        {
            return FvHeaderStatus.TooShort;
        }
        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(40)) != Signature)
        {
            return FvHeaderStatus.BadSignature;
        }
        if (bytes[55] != Revision)
        {
            return FvHeaderStatus.BadRevision;
        }

        ulong fvLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(32));
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(48));
        if ((headerLength & 1) != 0 || headerLength < MinimumLength || (ulong)headerLength > fvLength)
        {
            return FvHeaderStatus.BadHeaderLength;
        }
        if (headerLength > bytes.Length)
        {
            return FvHeaderStatus.TooShort;
        }
        if (Sum16(bytes.Slice(0, headerLength)) != 0)
        {
            return FvHeaderStatus.BadChecksum;
        }

        // Block map: entries until {0,0}, all inside HeaderLength.
        uint firstBlockSize = 0;
        ulong blockCount = 0;
        ulong total = 0;
        int entries = 0;
        bool terminated = false;
        for (int offset = BlockMapOffset; BlockMapEntrySize <= headerLength - offset; offset += BlockMapEntrySize)
        {
            uint numBlocks = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(offset));
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(offset + 4));
            if (numBlocks == 0 && length == 0)
            {
                terminated = true;
                break;
            }
            if (numBlocks == 0 || length == 0)
            {
                return FvHeaderStatus.BadBlockMap;
            }
            if (entries == 0)
            {
                firstBlockSize = length;
            }
            // numBlocks * length < 2^64; the running total is checked against overflow.
            ulong run = (ulong)numBlocks * length;
            if (run > ulong.MaxValue - total)
            {
                return FvHeaderStatus.BlockMapLengthMismatch;
            }
            total += run;
            blockCount += numBlocks;
            entries++;
        }
        if (!terminated || entries == 0)
        {
            return FvHeaderStatus.BadBlockMap;
        }
        bool deviceMap = allowDeviceMap && entries == 1 && total > fvLength && fvLength % firstBlockSize == 0;
        if (total != fvLength && !deviceMap)
        {
            return FvHeaderStatus.BlockMapLengthMismatch;
        }

        int extHeaderOffset = BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(52));
        if (extHeaderOffset != 0
            && (extHeaderOffset < headerLength || (ulong)ExtHeaderMinimumLength > fvLength - (ulong)extHeaderOffset))
        {
            return FvHeaderStatus.BadExtHeaderOffset;
        }

        EfiGuid.TryRead(bytes.Slice(16), out EfiGuid fileSystemGuid);
        header = new FvHeader(fileSystemGuid, fvLength, BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(44)),
            (ushort)headerLength, (ushort)extHeaderOffset, firstBlockSize, blockCount, entries);
        return FvHeaderStatus.Valid;
    }

    /// <summary>The 16-bit sum of little-endian words (PI: the header's words sum to zero). Length must be even.</summary>
    public static ushort Sum16(ReadOnlySpan<byte> bytes)
    {
        ushort sum = 0;
        for (int i = 0; 2 <= bytes.Length - i; i += 2)
        {
            sum = unchecked((ushort)(sum + BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(i))));
        }
        return sum;
    }
}
