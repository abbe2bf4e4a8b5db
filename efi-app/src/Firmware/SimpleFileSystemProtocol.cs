using UefiRecovery.Efi.Uefi;
using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Firmware;

/// <summary>
/// EFI_SIMPLE_FILE_SYSTEM_PROTOCOL (UEFI 2.10 §13.4), every slot in spec order. Kept here until the
/// bindings folder (efi-app/src/Uefi/Raw) takes it over; only the ESP marker store uses it.
/// </summary>
public unsafe struct SimpleFileSystemProtocol : IUefiProtocol
{
    public static EfiGuid Guid => new(0x964E5B22, 0x6459, 0x11D2, 0x8E, 0x39, 0x00, 0xA0, 0xC9, 0x69, 0x72, 0x3B);

    public ulong Revision;

    /// <summary>(This, Root): the volume's root directory.</summary>
    public delegate* unmanaged<SimpleFileSystemProtocol*, FileProtocol**, EfiStatus> OpenVolume;
}
