namespace Internal.Runtime.Platform;

/// <summary>
/// The start of EFI_SYSTEM_CONTEXT_X64 (UEFI 2.10 §18.2.5, DebugSupport): the fields up to the
/// general registers that a fault report prints.
/// </summary>
internal unsafe struct EfiSystemContextX64
{
    public ulong ExceptionData;
    public fixed byte FxSaveState[512];
    public ulong Dr0, Dr1, Dr2, Dr3, Dr6, Dr7;
    public ulong Cr0, Cr1, Cr2, Cr3, Cr4, Cr8;
    public ulong Rflags;
    public ulong Ldtr, Tr;
    public fixed ulong Gdtr[2];
    public fixed ulong Idtr[2];
    public ulong Rip;
}
