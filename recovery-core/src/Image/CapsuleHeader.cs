using System;
using System.Buffers.Binary;
using UefiRecovery.Core.Common;

namespace UefiRecovery.Core.Image;

/// <summary>EFI_CAPSULE_HEADER (UEFI 2.10 section 8.5.3): CapsuleGuid, HeaderSize, Flags, CapsuleImageSize.</summary>
public readonly struct CapsuleHeader(EfiGuid capsuleGuid, uint headerSize, uint flags, uint capsuleImageSize)
{
    /// <summary>sizeof(EFI_CAPSULE_HEADER); HeaderSize may be larger (EDK2 pads it to 0x20).</summary>
    public const int MinimumSize = 28;

    public const int CapsuleGuidOffset = 0;
    public const int HeaderSizeOffset = 16;
    public const int FlagsOffset = 20;
    public const int CapsuleImageSizeOffset = 24;

    public EfiGuid CapsuleGuid { get; } = capsuleGuid;

    public uint HeaderSize { get; } = headerSize;

    public uint Flags { get; } = flags;

    public uint CapsuleImageSize { get; } = capsuleImageSize;

    /// <summary>
    /// Reads and checks the header of a whole capsule file: FMP capsule GUID, CapsuleImageSize equal to the
    /// file size (a capsule is verified as exactly the bytes given), 28 &lt;= HeaderSize &lt;= CapsuleImageSize.
    /// </summary>
    public static CapsuleStatus TryRead(ReadOnlySpan<byte> file, out CapsuleHeader header)
    {
        header = default;
        if (file.Length < MinimumSize)
        {
            return CapsuleStatus.CapsuleHeaderTruncated;
        }
        EfiGuid.TryRead(file.Slice(CapsuleGuidOffset), out EfiGuid guid);
        header = new CapsuleHeader(
            guid,
            BinaryPrimitives.ReadUInt32LittleEndian(file.Slice(HeaderSizeOffset)),
            BinaryPrimitives.ReadUInt32LittleEndian(file.Slice(FlagsOffset)),
            BinaryPrimitives.ReadUInt32LittleEndian(file.Slice(CapsuleImageSizeOffset)));
        if (!guid.Equals(CapsuleGuids.FmpCapsule))
        {
            return CapsuleStatus.NotFmpCapsule;
        }
        if (header.CapsuleImageSize != (uint)file.Length)
        {
            return CapsuleStatus.CapsuleImageSizeMismatch;
        }
        if (header.HeaderSize < MinimumSize || header.HeaderSize > header.CapsuleImageSize)
        {
            return CapsuleStatus.CapsuleHeaderSizeInvalid;
        }
        return CapsuleStatus.Ok;
    }
}
