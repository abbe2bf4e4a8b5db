namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>
/// EFI_SIMPLE_FILE_SYSTEM_PROTOCOL (UEFI 2.10 §13.4), slots in spec order. Found on the device handle a
/// volume is on (for the app's own volume: LoadedImageProtocol.DeviceHandle). Calling convention as in
/// <see cref="BootServices"/>.
/// </summary>
public unsafe struct SimpleFileSystemProtocol : IUefiProtocol
{
    public const ulong CurrentRevision = 0x00010000;

    public static EfiGuid Guid => new(0x964E5B22, 0x6459, 0x11D2, 0x8E, 0x39, 0x00, 0xA0, 0xC9, 0x69, 0x72, 0x3B);

    public ulong Revision;

    /// <summary>(This, Root): opens the root directory of the volume.</summary>
    public delegate* unmanaged<SimpleFileSystemProtocol*, FileProtocol**, EfiStatus> OpenVolume;
}
