using Internal.Runtime;

namespace UefiRecovery.Efi.Services.Machine;

/// <summary>
/// x64: ends a test run through QEMU's isa-debug-exit device (iobase 0xf4): writing v makes QEMU exit with
/// status (v &lt;&lt; 1) | 1. Codes: 0 success (QEMU 1), 1 failure (QEMU 3), 2 fail-fast (QEMU 5).
/// The port write goes through EFI_CPU_IO2_PROTOCOL (OVMF's CpuIo2Dxe), not through an OUT instruction.
/// Installed as the runtime's machine-exit handler so fail-fasts end the same way.
/// </summary>
internal static class DebugExit
{
    public const ulong Port = 0xF4;

    // The runtime's exit handler is a static function: the port writer it uses is kept here.
    private static UefiCpuIo s_cpuIo;

    /// <summary>Finds CPU I/O 2 and makes it the runtime's exit path. False if the protocol is missing.</summary>
    public static unsafe bool Install(UefiBootServices boot)
    {
        UefiCpuIo cpuIo = UefiCpuIo.Locate(boot);
        if (!cpuIo.IsAvailable)
            return false;
        s_cpuIo = cpuIo;
        EfiRuntime.SetExitHandler(&Exit);
        return true;
    }

    // Called by the runtime with 0, 1 or 2. If QEMU has no such device the write is ignored and the
    // runtime goes on to ResetSystem(EfiResetShutdown).
    private static void Exit(int code)
    {
        s_cpuIo.WritePort32(Port, (uint)code);
    }
}
