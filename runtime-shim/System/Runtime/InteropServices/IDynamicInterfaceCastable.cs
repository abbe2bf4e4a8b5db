using Internal.Runtime;

namespace System.Runtime.InteropServices;

/// <summary>
/// ILC looks for this interface's static helper by name. No type in the shim implements the interface,
/// so the helper is never reached; if it is, that is a compiler/runtime mismatch.
/// </summary>
internal unsafe interface IDynamicInterfaceCastable
{
    internal static nint GetDynamicInterfaceImplementation(IDynamicInterfaceCastable instance, MethodTable* interfaceType, ushort slot)
    {
        FailFastCore.Stop(FailFastKind.InvalidProgram, "IDynamicInterfaceCastable is not supported; interface MethodTable:", (ulong)interfaceType);
        return 0;
    }
}
