namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>EFI_ALLOCATE_TYPE (UEFI 2.10 §7.2, AllocatePages).</summary>
public enum AllocateType : uint
{
    AnyPages = 0,
    MaxAddress = 1,
    Address = 2,
}
