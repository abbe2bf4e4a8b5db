using Internal.Runtime.Platform;

namespace Internal.Runtime;

/// <summary>
/// x64: OVMF maps page 0, so the runtime makes it not-present and turns a #PF below 4 KiB into a
/// NullReference fail-fast, and #DE into DivideByZero (ILC's x64 code lets the CPU trap a zero divisor).
/// Other faults (#UD, #GP, #PF elsewhere) become a CpuException fail-fast with the faulting address.
/// </summary>
internal static unsafe partial class NullPageGuard
{
    // x86 exception vectors (Intel SDM Vol. 3A §6.15).
    private const int DivideError = 0;
    private const int InvalidOpcode = 6;
    private const int GeneralProtection = 13;
    private const int PageFault = 14;

    private static bool RegisterFaultHandlers()
    {
        Register(DivideError);
        Register(InvalidOpcode);
        Register(GeneralProtection);
        return Register(PageFault);
    }

    private static bool MakePageZeroFault() => ReadProtectPageZero();

    [System.Runtime.InteropServices.UnmanagedCallersOnly]
    private static void OnCpuException(nint vector, void* systemContext)
    {
        EfiSystemContextX64* context = (EfiSystemContextX64*)systemContext;
        if (vector == PageFault && context->Cr2 < NullPageSize)
        {
            // The instruction address tells our code (inside the image) from a firmware driver touching page 0.
            System.Span<char> detail = stackalloc char[128];
            LineWriter w = new LineWriter(detail);
            w.Append("Object reference not set to an instance of an object. RIP: 0x");
            w.AppendHex(context->Rip);
            w.Append(", address:");
            FailFastCore.Stop(FailFastKind.NullReference, w.Written, context->Cr2);
        }

        // ILC's x64 code divides without testing the divisor and lets the CPU trap, as .NET does on x64.
        if (vector == DivideError)
            FailFastCore.Stop(FailFastKind.DivideByZero, "Attempted to divide by zero. RIP:", context->Rip);

        // Report the vector and the instruction address; for a page fault, the address is in CR2.
        FailFastCore.Stop(FailFastKind.CpuException, VectorName(vector), vector == PageFault ? context->Cr2 : context->Rip);
    }

    private static string VectorName(nint vector) => vector switch
    {
        InvalidOpcode => "#UD invalid opcode at RIP",
        GeneralProtection => "#GP general protection fault at RIP",
        PageFault => "#PF page fault at address",
        _ => "CPU exception at RIP",
    };
}
