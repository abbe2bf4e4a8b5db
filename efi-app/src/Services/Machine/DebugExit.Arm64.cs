using System.Runtime;
using System.Runtime.CompilerServices;
using Internal.Runtime;

namespace UefiRecovery.Efi.Services.Machine;

/// <summary>
/// AArch64: ends a test run through Arm semihosting SYS_EXIT (QEMU -semihosting), because AAVMF's
/// virt machine has no isa-debug-exit. The status is the one x64's isa-debug-exit gives,
/// (v &lt;&lt; 1) | 1: 0 success (QEMU 1), 1 failure (QEMU 3), 2 fail-fast (QEMU 5), so tests read
/// both architectures the same way. Semihosting cannot be detected from the guest: QEMU must run with
/// -semihosting when uefirecovery.debugexit=1 (without it the HLT is a CpuException fail-fast).
/// Installed as the runtime's machine-exit handler so fail-fasts end the same way.
/// </summary>
internal static class DebugExit
{
    [RuntimeImport("*", "EfiSemihostingExit")]
    [MethodImpl(MethodImplOptions.InternalCall)]
    private static extern void SemihostingExit(ulong status);

    /// <summary>Makes semihosting the runtime's exit path. Always true: there is nothing to look up.</summary>
    public static unsafe bool Install(UefiBootServices boot)
    {
        EfiRuntime.SetExitHandler(&Exit);
        return true;
    }

    // Called by the runtime with 0, 1 or 2.
    private static void Exit(int code) => SemihostingExit(((ulong)(uint)code << 1) | 1);
}
