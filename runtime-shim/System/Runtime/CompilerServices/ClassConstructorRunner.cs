using System.Runtime.InteropServices;

namespace System.Runtime.CompilerServices;

/// <summary>
/// Runs a static constructor the first time its type's statics are touched. ILC's generated helpers
/// call in here (by name) when the type's context still holds the constructor's address.
/// Single-threaded firmware: no locking.
/// </summary>
internal static unsafe class ClassConstructorRunner
{
    private static nint CheckStaticClassConstructionReturnNonGCStaticBase(ref StaticClassConstructionContext context, nint nonGcStaticBase)
    {
        CheckStaticClassConstruction(ref context);
        return nonGcStaticBase;
    }

    private static object CheckStaticClassConstructionReturnGCStaticBase(ref StaticClassConstructionContext context, object gcStaticBase)
    {
        CheckStaticClassConstruction(ref context);
        return gcStaticBase;
    }

    private static void CheckStaticClassConstruction(ref StaticClassConstructionContext context)
    {
        nint cctor = context.cctorMethodAddress;
        if (cctor == 0)
            return;
        // Mark it run before calling, so a cycle (A's cctor touching B touching A) does not recurse forever,
        // the same observable order as .NET on one thread.
        context.cctorMethodAddress = 0;
        ((delegate*<void>)cctor)();
    }
}

/// <summary>Layout contract with ILC: the static constructor's address, zeroed once it has run.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct StaticClassConstructionContext
{
    public nint cctorMethodAddress;
}
