namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>
/// EFI_FIRMWARE_VOLUME_HEADER (PI 1.8 Vol. 3 §3.2.1). The block map is a list of
/// <see cref="BlockMapEntry"/> ending with a {0, 0} entry; the spec declares it as BlockMap[1], so
/// the struct holds the first entry and sizeof is 64. HeaderLength covers the whole list.
/// </summary>
public unsafe struct FirmwareVolumeHeader
{
    /// <summary>EFI_FVH_SIGNATURE: "_FVH" read as a little-endian UINT32.</summary>
    public const uint FvhSignature = 0x4856465F;

    /// <summary>EFI_FVH_REVISION.</summary>
    public const byte CurrentRevision = 0x02;

    /// <summary>Offset of the first block map entry.</summary>
    public const int BlockMapOffset = 56;

    public fixed byte ZeroVector[16];
    public EfiGuid FileSystemGuid;
    public ulong FvLength;
    public uint Signature;
    public uint Attributes;
    public ushort HeaderLength;
    public ushort Checksum;
    public ushort ExtHeaderOffset;
    public fixed byte Reserved[1];
    public byte Revision;
    public BlockMapEntry BlockMap;

    /// <summary>EFI_SYSTEM_NV_DATA_FV_GUID: the FileSystemGuid of the variable-store volume (EDK2 MdeModulePkg).</summary>
    public static EfiGuid SystemNvDataFvGuid => new(0xFFF12B8D, 0x7696, 0x4C8B, 0xA9, 0x85, 0x27, 0x47, 0x07, 0x5B, 0x4F, 0x50);

    /// <summary>EFI_FIRMWARE_FILE_SYSTEM2_GUID (PI 1.8 Vol. 3 §3.2.2).</summary>
    public static EfiGuid FirmwareFileSystem2Guid => new(0x8C8CE578, 0x8A3D, 0x4F1C, 0x99, 0x35, 0x89, 0x61, 0x85, 0xC3, 0x2D, 0xD3);

    /// <summary>EFI_FIRMWARE_FILE_SYSTEM3_GUID (PI 1.8 Vol. 3 §3.2.2).</summary>
    public static EfiGuid FirmwareFileSystem3Guid => new(0x5473C07A, 0x3DCB, 0x4DCA, 0xBD, 0x6F, 0x1E, 0x96, 0x89, 0xE7, 0x34, 0x9A);
}
