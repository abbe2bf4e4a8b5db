namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>EFI_LOCATE_SEARCH_TYPE (UEFI 2.10 §7.3, LocateHandle).</summary>
public enum LocateSearchType : uint
{
    AllHandles = 0,
    ByRegisterNotify = 1,
    ByProtocol = 2,
}
