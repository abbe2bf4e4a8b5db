using System;
using System.Buffers.Binary;

namespace UefiRecovery.Core.Image;

/// <summary>
/// EFI_FIRMWARE_MANAGEMENT_CAPSULE_HEADER (UEFI 2.10 section 23.3.3): Version, EmbeddedDriverCount,
/// PayloadItemCount, then UINT64 ItemOffsetList[] relative to this header. This reader accepts exactly one
/// payload and no embedded drivers: a recovery image updates one device, and the firmware never runs drivers
/// shipped inside a capsule.
/// </summary>
public readonly struct FmpCapsuleHeader(
    uint version, ushort embeddedDriverCount, ushort payloadItemCount, ulong payloadItemOffset)
{
    public const uint SupportedVersion = 1;
    public const int FixedSize = 8;

    public uint Version { get; } = version;

    public ushort EmbeddedDriverCount { get; } = embeddedDriverCount;

    public ushort PayloadItemCount { get; } = payloadItemCount;

    /// <summary>ItemOffsetList[0], relative to the start of this header.</summary>
    public ulong PayloadItemOffset { get; } = payloadItemOffset;

    /// <summary>Reads the header from the bytes after EFI_CAPSULE_HEADER (to the end of the capsule).</summary>
    public static CapsuleStatus TryRead(ReadOnlySpan<byte> fmpRegion, out FmpCapsuleHeader header)
    {
        header = default;
        if (fmpRegion.Length < FixedSize)
        {
            return CapsuleStatus.FmpHeaderTruncated;
        }
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(fmpRegion);
        ushort drivers = BinaryPrimitives.ReadUInt16LittleEndian(fmpRegion.Slice(4));
        ushort payloads = BinaryPrimitives.ReadUInt16LittleEndian(fmpRegion.Slice(6));
        header = new FmpCapsuleHeader(version, drivers, payloads, 0);
        if (version != SupportedVersion)
        {
            return CapsuleStatus.FmpHeaderVersionUnsupported;
        }
        if (drivers == 0 && payloads == 0)
        {
            return CapsuleStatus.FmpNoItems;
        }
        if (drivers != 0)
        {
            return CapsuleStatus.EmbeddedDriversUnsupported;
        }
        if (payloads != 1)
        {
            return CapsuleStatus.PayloadCountUnsupported;
        }
        int listEnd = FixedSize + 8; // one item
        if (fmpRegion.Length < listEnd)
        {
            return CapsuleStatus.ItemOffsetListTruncated;
        }
        ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(fmpRegion.Slice(FixedSize));
        header = new FmpCapsuleHeader(version, drivers, payloads, offset);
        // EDK2 ValidateFmpCapsule: an item starts after the offset list and strictly inside the capsule.
        if (offset < (ulong)listEnd || offset >= (ulong)fmpRegion.Length)
        {
            return CapsuleStatus.ItemOffsetOutOfRange;
        }
        return CapsuleStatus.Ok;
    }
}
