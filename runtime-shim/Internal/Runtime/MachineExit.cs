using System.Diagnostics.CodeAnalysis;
using Internal.Runtime.Platform;

namespace Internal.Runtime;

/// <summary>
/// Stops the machine. efi-app installs a handler (QEMU's isa-debug-exit through EFI_CPU_IO2_PROTOCOL
/// when uefirecovery.debugexit=1); without one, or if it returns, the firmware powers off
/// (ResetSystem(EfiResetShutdown)). Codes: 0 success, 1 failure, 2 fail-fast (README, "Self-test protocol").
/// </summary>
internal static unsafe class MachineExit
{
    internal const int SuccessCode = 0;
    internal const int FailureCode = 1;
    internal const int FailFastCode = 2;

    private static delegate*<int, void> s_handler;

    internal static void SetHandler(delegate*<int, void> handler) => s_handler = handler;

    [DoesNotReturn]
    internal static void Stop(int code)
    {
        delegate*<int, void> handler = s_handler;
        if (handler != null)
        {
            // Clear first: if the handler itself faults, the fail-fast that follows must not call it again.
            s_handler = null;
            handler(code);
        }

        EfiSystemTable* st = EfiRuntime.SystemTablePointer;
        if (st != null && st->RuntimeServices != null)
            st->RuntimeServices->ResetSystem(EfiResetType.Shutdown, code == SuccessCode ? 0 : EfiStatusCodes.Aborted, 0, null);

        // ResetSystem does not return; if a broken firmware lets it, spin rather than run on.
        while (true)
        {
        }
    }
}

internal static class EfiStatusCodes
{
    // EFI_ABORTED (UEFI 2.10 Appendix D), passed as the reset status of an unsuccessful stop.
    internal static nuint Aborted => unchecked((nuint)0x8000_0000_0000_0015UL);
}
