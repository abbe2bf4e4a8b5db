namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>EFI_TPL values (UEFI 2.10 §7.1, Table 7.3).</summary>
public static class TaskPriorityLevel
{
    public const nuint Application = 4;
    public const nuint Callback = 8;
    public const nuint Notify = 16;
    public const nuint HighLevel = 31;
}
