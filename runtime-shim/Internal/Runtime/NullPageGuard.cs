using Internal.Runtime.Platform;

namespace Internal.Runtime;

/// <summary>
/// Null checks on EFI. ILC's code dereferences a null object and expects the CPU to fault, so page 0 must
/// not be readable while the app runs, and the fault must become a NullReference fail-fast instead of the
/// firmware's dead loop. This part is the same on every architecture: find the CPU arch protocol
/// (PI 1.8 Vol. 2 §12.3), register the architecture's fault handlers, make sure page 0 faults, and undo
/// it all in Disable() before the app returns to the firmware. What differs (which exceptions, how page 0
/// is made to fault, how the exception context is decoded) is in NullPageGuard.X64.cs / NullPageGuard.Arm64.cs.
/// </summary>
internal static unsafe partial class NullPageGuard
{
    private const ulong NullPageSize = 4096;

    private static EfiCpuArchProtocol* s_cpu;
    private static uint s_registeredVectors;
    private static bool s_restorePageZero;

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

        // Only with our fault handler in place is it safe to make page 0 fault.
        if (!RegisterFaultHandlers())
            return;
        IsActive = MakePageZeroFault();
    }

    internal static void Disable()
    {
        if (s_cpu == null)
            return;
        if (s_restorePageZero)
        {
            s_cpu->SetMemoryAttributes(s_cpu, 0, NullPageSize, 0);
            s_restorePageZero = false;
        }
        IsActive = false;
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

    // Page 0 not-present through the CPU arch protocol (EFI_MEMORY_RP, as EDK II's own NULL-pointer
    // detection does). Disable() maps it again.
    private static bool ReadProtectPageZero()
    {
        if (s_cpu->SetMemoryAttributes(s_cpu, 0, NullPageSize, EfiMemoryAttribute.ReadProtect) != 0)
            return false;
        s_restorePageZero = true;
        return true;
    }
}
