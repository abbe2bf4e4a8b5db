namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>
/// EFI_LOADED_IMAGE_PROTOCOL (UEFI 2.10 §9.1). Installed on the image handle given to the entry point;
/// DeviceHandle is where the image was loaded from. Calling convention as in <see cref="BootServices"/>.
/// </summary>
public unsafe struct LoadedImageProtocol : IUefiProtocol
{
    public const uint CurrentRevision = 0x1000;

    public static EfiGuid Guid => new(0x5B1B31A1, 0x9562, 0x11D2, 0x8E, 0x3F, 0x00, 0xA0, 0xC9, 0x69, 0x72, 0x3B);

    public uint Revision;
    public void* ParentHandle;
    public SystemTable* SystemTable;

    // Source location of the image
    public void* DeviceHandle;
    public DevicePathProtocol* FilePath;
    public void* Reserved;

    // Image's load options
    public uint LoadOptionsSize;
    public void* LoadOptions;

    // Location where image was loaded
    public void* ImageBase;
    public ulong ImageSize;
    public MemoryType ImageCodeType;
    public MemoryType ImageDataType;
    public delegate* unmanaged<void*, EfiStatus> Unload;
}
