namespace UefiRecovery.Efi.Uefi;

/// <summary>How a call treats a warning status (high bit clear, non-zero).</summary>
public enum WarningPolicy
{
    /// <summary>The default: a warning fails the call, as in uefi-rs.</summary>
    TreatAsError,

    /// <summary>The caller has decided that a warning still means the call did its work.</summary>
    TreatAsSuccess,
}
