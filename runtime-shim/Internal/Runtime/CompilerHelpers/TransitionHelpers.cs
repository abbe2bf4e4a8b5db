using System.Runtime;

namespace Internal.Runtime.CompilerHelpers;

/// <summary>
/// Managed/native transitions and GC polls. They exist for a GC to stop threads at safe points; the
/// shim has neither a GC nor threads, so each is empty.
/// </summary>
internal static unsafe class TransitionHelpers
{
    [RuntimeExport("RhpReversePInvoke")]
    private static void RhpReversePInvoke(void* frame) { }

    [RuntimeExport("RhpReversePInvokeReturn")]
    private static void RhpReversePInvokeReturn(void* frame) { }

    [RuntimeExport("RhpPInvoke")]
    private static void RhpPInvoke(void* frame) { }

    [RuntimeExport("RhpPInvokeReturn")]
    private static void RhpPInvokeReturn(void* frame) { }

    [RuntimeExport("RhpGcPoll")]
    private static void RhpGcPoll() { }

    [RuntimeExport("RhpFallbackFailFast")]
    private static void RhpFallbackFailFast() => FailFastCore.Stop(FailFastKind.InvalidProgram, "runtime fallback fail-fast");

    // `throw` in code compiled against the shim: there is no unwinder, so this is where it ends.
    [RuntimeExport("RhpThrowEx")]
    private static void RhpThrowEx(object exception) => FailFastCore.Stop(FailFastKind.UnhandledThrow, "an exception was thrown (no exceptions on EFI); object:", (ulong)System.Runtime.CompilerServices.Unsafe.As<object, nint>(ref exception));

    [RuntimeExport("RhpRethrow")]
    private static void RhpRethrow() => FailFastCore.Stop(FailFastKind.UnhandledThrow, "rethrow (no exceptions on EFI)");
}
