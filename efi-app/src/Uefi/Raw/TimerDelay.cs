namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>EFI_TIMER_DELAY (UEFI 2.10 §7.1, SetTimer).</summary>
public enum TimerDelay : uint
{
    Cancel = 0,
    Periodic = 1,
    Relative = 2,
}
