namespace Internal.Runtime.Platform;

/// <summary>
/// EFI_SYSTEM_CONTEXT_AARCH64 (UEFI 2.10 §18.2.5, DebugSupport), what ArmPkg's exception handlers pass:
/// X0-X28, FP, LR, SP, then V0-V31 (16 bytes each), then the exception registers a fault report decodes.
/// </summary>
internal unsafe struct EfiSystemContextAArch64
{
    public fixed ulong X[29];
    public ulong Fp;
    public ulong Lr;
    public ulong Sp;
    public fixed ulong V[64];
    /// <summary>Exception Link Register: the faulting instruction's address for a synchronous exception.</summary>
    public ulong Elr;
    public ulong Spsr;
    public ulong Fpsr;
    /// <summary>Exception Syndrome Register: the class (bits [31:26]) says what happened.</summary>
    public ulong Esr;
    /// <summary>Fault Address Register: the data or instruction address of an abort.</summary>
    public ulong Far;
}
