using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>
/// EFI_COMPONENT_NAME2_PROTOCOL (UEFI 2.10 §11.5): a driver's human-readable name, installed on the
/// driver's binding handle. Languages are RFC 4646 codes as NUL-terminated ASCII ("en").
/// Kept beside the network code that reads it; a candidate for Uefi/Raw.
/// </summary>
public unsafe struct ComponentName2Protocol : IUefiProtocol
{
    public static EfiGuid Guid => new(0x6A7A5CFF, 0xE8D9, 0x4F70, 0xBA, 0xDA, 0x75, 0xAB, 0x30, 0x25, 0xCE, 0x14);

    /// <summary>(This, Language, DriverName): the name stays owned by the driver.</summary>
    public delegate* unmanaged<ComponentName2Protocol*, byte*, char**, EfiStatus> GetDriverName;

    /// <summary>(This, ControllerHandle, ChildHandle, Language, ControllerName).</summary>
    public delegate* unmanaged<ComponentName2Protocol*, void*, void*, byte*, char**, EfiStatus> GetControllerName;

    /// <summary>Semicolon-separated RFC 4646 codes, NUL-terminated ASCII ("en;fr").</summary>
    public byte* SupportedLanguages;
}
