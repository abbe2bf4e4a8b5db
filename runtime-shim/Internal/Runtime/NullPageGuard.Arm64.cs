using System.Runtime;
using System.Runtime.CompilerServices;
using Internal.Runtime.Platform;

namespace Internal.Runtime;

/// <summary>
/// AArch64: every fault arrives as one synchronous exception (ArmPkg's exception type 0) whose ESR says
/// what it was. A data or instruction abort whose FAR lies in page 0 is a NullReference fail-fast; any
/// other synchronous exception is a CpuException fail-fast with ESR, FAR and ELR. There is no divide trap
/// (SDIV by zero gives 0), so ILC's arm64 code tests divisors itself and calls ThrowDivideByZeroException.
/// AAVMF (2022.11) leaves page 0 unmapped already; the guard checks that with an address translation
/// (AT) and only asks the CPU arch protocol for EFI_MEMORY_RP if page 0 turns out to be readable.
/// </summary>
internal static unsafe partial class NullPageGuard
{
    // EFI_EXCEPTION_TYPE for AArch64 (EDK II ArmPkg, EXCEPT_AARCH64_SYNCHRONOUS_EXCEPTIONS).
    private const int SynchronousException = 0;

    // ESR_ELx.EC values (Arm ARM D17.2.37).
    private const ulong InstructionAbortLowerEl = 0x20;
    private const ulong InstructionAbortSameEl = 0x21;
    private const ulong DataAbortLowerEl = 0x24;
    private const ulong DataAbortSameEl = 0x25;

    // 1 when a stage-1 read of the address translates at the current exception level (AT S1E1R/S1E2R, PAR_EL1.F = 0).
    [RuntimeImport("*", "ShimAddressIsReadable")]
    [MethodImpl(MethodImplOptions.InternalCall)]
    private static extern uint AddressIsReadable(ulong address);

    private static bool RegisterFaultHandlers() => Register(SynchronousException);

    private static bool MakePageZeroFault()
    {
        if (AddressIsReadable(0) == 0)
            return true;
        return ReadProtectPageZero() && AddressIsReadable(0) == 0;
    }

    [System.Runtime.InteropServices.UnmanagedCallersOnly]
    private static void OnCpuException(nint type, void* systemContext)
    {
        EfiSystemContextAArch64* context = (EfiSystemContextAArch64*)systemContext;
        ulong exceptionClass = (context->Esr >> 26) & 0x3F;
        bool abort = exceptionClass == DataAbortSameEl || exceptionClass == DataAbortLowerEl
            || exceptionClass == InstructionAbortSameEl || exceptionClass == InstructionAbortLowerEl;
        System.Span<char> detail = stackalloc char[128];
        LineWriter w = new LineWriter(detail);
        if (abort && context->Far < NullPageSize)
        {
            // ELR tells our code (inside the image) from a firmware driver touching page 0.
            w.Append("Object reference not set to an instance of an object. ELR: 0x");
            w.AppendHex(context->Elr);
            w.Append(", address:");
            FailFastCore.Stop(FailFastKind.NullReference, w.Written, context->Far);
        }

        w.Append("synchronous exception ESR: 0x");
        w.AppendHex(context->Esr);
        w.Append(", FAR: 0x");
        w.AppendHex(context->Far);
        w.Append(", ELR:");
        FailFastCore.Stop(FailFastKind.CpuException, w.Written, context->Elr);
    }
}
