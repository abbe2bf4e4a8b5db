namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>EFI_INTERFACE_TYPE (UEFI 2.10 §7.3, InstallProtocolInterface).</summary>
public enum InterfaceType : uint
{
    NativeInterface = 0,
}
