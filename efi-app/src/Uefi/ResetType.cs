namespace UefiRecovery.Efi.Uefi;

/// <summary>EFI_RESET_TYPE (UEFI 2.10 §8.5.1, ResetSystem).</summary>
public enum ResetType : uint
{
    Cold = 0,
    Warm = 1,
    Shutdown = 2,
    PlatformSpecific = 3,
}
