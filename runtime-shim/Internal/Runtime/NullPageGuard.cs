using Internal.Runtime.Platform;

namespace Internal.Runtime;

/// <summary>
/// Null checks on EFI. ILC's code dereferences a null object and expects the CPU to fault, but OVMF
/// maps page 0, so a read through null would silently return junk. The runtime therefore makes page 0
/// not-present (EFI_MEMORY_RP through the CPU arch protocol, the same mechanism as EDK II's own
/// NULL-pointer detection) and installs a page-fault handler that turns a fault below 4 KiB into a
/// NullReference fail-fast, and #DE into DivideByZero (ILC's x64 code lets the CPU trap a zero divisor).
/// Other faults (#UD, #GP, #PF elsewhere) become a CpuException fail-fast with the faulting address,
/// instead of the firmware's dead loop.
/// Disable() restores page 0 and the firmware's handlers before the app returns to the firmware.
/// </summary>
internal static unsafe class NullPageGuard
{
    private const ulong NullPageSize = 4096;

    // x86 exception vectors (Intel SDM Vol. 3A §6.15).
    private const int DivideError = 0;
    private const int InvalidOpcode = 6;
    private const int GeneralProtection = 13;
    private const int PageFault = 14;

    private static EfiCpuArchProtocol* s_cpu;
    private static uint s_registeredVectors;

    internal static bool IsActive { get; private set; }

    internal static void TryEnable()
    {
        EfiSystemTable* st = EfiRuntime.SystemTablePointer;
        if (st == null || st->BootServices == null)
            return;

        EfiGuidValue guid = EfiCpuArchProtocol.Guid;
        void* cpu = null;
        if (st->BootServices->LocateProtocol(&guid, null, &cpu) != 0 || cpu == null)
            return;
        s_cpu = (EfiCpuArchProtocol*)cpu;

        Register(DivideError);
        Register(InvalidOpcode);
        Register(GeneralProtection);
        if (!Register(PageFault))
            return;

        // Only with our page-fault handler in place is it safe to unmap page 0.
        IsActive = s_cpu->SetMemoryAttributes(s_cpu, 0, NullPageSize, EfiMemoryAttribute.ReadProtect) == 0;
    }

    internal static void Disable()
    {
        if (s_cpu == null)
            return;
        if (IsActive)
        {
            s_cpu->SetMemoryAttributes(s_cpu, 0, NullPageSize, 0);
            IsActive = false;
        }
        for (int vector = 0; vector < 32; vector++)
        {
            if ((s_registeredVectors & (1u << vector)) != 0)
                s_cpu->RegisterInterruptHandler(s_cpu, vector, null);
        }
        s_registeredVectors = 0;
    }

    private static bool Register(int vector)
    {
        // Fails (EFI_ALREADY_STARTED) if someone else handles this vector; then leave theirs alone.
        if (s_cpu->RegisterInterruptHandler(s_cpu, vector, &OnCpuException) != 0)
            return false;
        s_registeredVectors |= 1u << vector;
        return true;
    }

    [System.Runtime.InteropServices.UnmanagedCallersOnly]
    private static void OnCpuException(nint vector, EfiSystemContextX64* context)
    {
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
