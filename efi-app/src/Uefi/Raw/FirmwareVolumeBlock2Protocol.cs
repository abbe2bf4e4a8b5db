namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>
/// EFI_FIRMWARE_VOLUME_BLOCK2_PROTOCOL (PI 1.8 Vol. 3 §3.4.2), every slot in spec order. Offsets
/// passed to Read/Write are within the block <c>Lba</c>; EFI_LBA is UINT64.
/// Calling convention: Microsoft x64 (see <see cref="BootServices"/>).
/// </summary>
public unsafe struct FirmwareVolumeBlock2Protocol : IUefiProtocol
{
    /// <summary>EFI_LBA_LIST_TERMINATOR: ends the variadic (Lba, NumberOfLbas) list of EraseBlocks.</summary>
    public const ulong LbaListTerminator = 0xFFFF_FFFF_FFFF_FFFF;

    /// <summary>EFI_FIRMWARE_VOLUME_BLOCK2_PROTOCOL_GUID (the same value as the PI 1.0 FVB GUID).</summary>
    public static EfiGuid Guid => new(0x8F644FA9, 0xE850, 0x4DB1, 0x9C, 0xE2, 0x0B, 0x44, 0x69, 0x8E, 0x8D, 0xA4);

    public delegate* unmanaged<FirmwareVolumeBlock2Protocol*, uint*, EfiStatus> GetAttributes;
    public delegate* unmanaged<FirmwareVolumeBlock2Protocol*, uint*, EfiStatus> SetAttributes;
    public delegate* unmanaged<FirmwareVolumeBlock2Protocol*, ulong*, EfiStatus> GetPhysicalAddress;

    /// <summary>(This, Lba, BlockSize, NumberOfBlocks): the size of Lba and how many blocks of that size follow it.</summary>
    public delegate* unmanaged<FirmwareVolumeBlock2Protocol*, ulong, nuint*, nuint*, EfiStatus> GetBlockSize;

    /// <summary>(This, Lba, Offset, NumBytes in/out, Buffer).</summary>
    public delegate* unmanaged<FirmwareVolumeBlock2Protocol*, ulong, nuint, nuint*, byte*, EfiStatus> Read;

    /// <summary>(This, Lba, Offset, NumBytes in/out, Buffer). Blocks must be erased first.</summary>
    public delegate* unmanaged<FirmwareVolumeBlock2Protocol*, ulong, nuint, nuint*, byte*, EfiStatus> Write;

    /// <summary>
    /// Variadic in the spec: (This, {Lba, NumberOfLbas}..., EFI_LBA_LIST_TERMINATOR). Declared with one
    /// range and the terminator; Microsoft x64 varargs pass integer arguments exactly like fixed ones.
    /// </summary>
    public delegate* unmanaged<FirmwareVolumeBlock2Protocol*, ulong, nuint, ulong, EfiStatus> EraseBlocks;

    public void* ParentHandle;
}
