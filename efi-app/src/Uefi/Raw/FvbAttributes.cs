namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>EFI_FVB_ATTRIBUTES_2 bits (PI 1.8 Vol. 3 §3.2.1.1, Table 3-3).</summary>
public static class FvbAttributes
{
    public const uint ReadDisabledCap = 0x0000_0001;
    public const uint ReadEnabledCap = 0x0000_0002;
    public const uint ReadStatus = 0x0000_0004;
    public const uint WriteDisabledCap = 0x0000_0008;
    public const uint WriteEnabledCap = 0x0000_0010;
    public const uint WriteStatus = 0x0000_0020;
    public const uint LockCap = 0x0000_0040;
    public const uint LockStatus = 0x0000_0080;
    public const uint StickyWrite = 0x0000_0200;
    public const uint MemoryMapped = 0x0000_0400;
    public const uint ErasePolarity = 0x0000_0800;
    public const uint ReadLockCap = 0x0000_1000;
    public const uint ReadLockStatus = 0x0000_2000;
    public const uint WriteLockCap = 0x0000_4000;
    public const uint WriteLockStatus = 0x0000_8000;

    /// <summary>Alignment field: 2^n bytes, n in bits 16..20.</summary>
    public const uint Alignment = 0x001F_0000;
    public const int AlignmentShift = 16;
    public const uint WeakAlignment = 0x8000_0000;
}
