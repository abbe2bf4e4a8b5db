using System;
using System.Buffers.Binary;
using UefiRecovery.Core.Common;

namespace UefiRecovery.Core.Image;

/// <summary>
/// EFI_FIRMWARE_MANAGEMENT_CAPSULE_IMAGE_HEADER (UEFI 2.10 section 23.3.3), versions 1 to 3:
/// v1 ends before UpdateHardwareInstance (32 bytes), v2 before ImageCapsuleSupport (40), v3 is 48 bytes.
/// </summary>
public readonly struct FmpImageHeader(uint version, EfiGuid updateImageTypeId, byte updateImageIndex, uint updateImageSize,
    uint updateVendorCodeSize, ulong updateHardwareInstance, ulong imageCapsuleSupport)
{
    public const int Version1Size = 32;
    public const int Version2Size = 40;
    public const int Version3Size = 48;

    /// <summary>CAPSULE_SUPPORT_AUTHENTICATION: the image starts with EFI_FIRMWARE_IMAGE_AUTHENTICATION.</summary>
    public const ulong CapsuleSupportAuthentication = 0x1;

    /// <summary>CAPSULE_SUPPORT_DEPENDENCY: an EFI_FIRMWARE_IMAGE_DEP follows the authentication.</summary>
    public const ulong CapsuleSupportDependency = 0x2;

    public uint Version { get; } = version;

    public EfiGuid UpdateImageTypeId { get; } = updateImageTypeId;

    public byte UpdateImageIndex { get; } = updateImageIndex;

    public uint UpdateImageSize { get; } = updateImageSize;

    public uint UpdateVendorCodeSize { get; } = updateVendorCodeSize;

    /// <summary>0 in v1 headers (field absent) and 0 = "any instance".</summary>
    public ulong UpdateHardwareInstance { get; } = updateHardwareInstance;

    /// <summary>0 in v1/v2 headers (field absent).</summary>
    public ulong ImageCapsuleSupport { get; } = imageCapsuleSupport;

    /// <summary>Size of this header for its version.</summary>
    public int Size => Version == 1 ? Version1Size : Version == 2 ? Version2Size : Version3Size;

    public bool HasDependency => (ImageCapsuleSupport & CapsuleSupportDependency) != 0;

    /// <summary>
    /// Reads the header from its whole item (offset to the end of the capsule) and checks EDK2's rule that
    /// header + UpdateImageSize + UpdateVendorCodeSize is exactly the item size.
    /// </summary>
    public static CapsuleStatus TryRead(ReadOnlySpan<byte> item, out FmpImageHeader header)
    {
        header = default;
        if (item.Length < Version1Size)
        {
            return CapsuleStatus.ImageHeaderTruncated;
        }
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(item);
        if (version < 1 || version > 3)
        {
            return CapsuleStatus.ImageHeaderVersionUnsupported;
        }
        int size = version == 1 ? Version1Size : version == 2 ? Version2Size : Version3Size;
        if (item.Length < size)
        {
            return CapsuleStatus.ImageHeaderTruncated;
        }
        EfiGuid.TryRead(item.Slice(4), out EfiGuid typeId);
        header = new FmpImageHeader(
            version,
            typeId,
            item[20],
            BinaryPrimitives.ReadUInt32LittleEndian(item.Slice(24)),
            BinaryPrimitives.ReadUInt32LittleEndian(item.Slice(28)),
            version >= 2 ? BinaryPrimitives.ReadUInt64LittleEndian(item.Slice(32)) : 0,
            version >= 3 ? BinaryPrimitives.ReadUInt64LittleEndian(item.Slice(40)) : 0);
        ulong declared = (ulong)size + header.UpdateImageSize + header.UpdateVendorCodeSize; // cannot overflow 64 bits
        if (declared != (ulong)item.Length)
        {
            return CapsuleStatus.ImageSizeMismatch;
        }
        return CapsuleStatus.Ok;
    }
}
