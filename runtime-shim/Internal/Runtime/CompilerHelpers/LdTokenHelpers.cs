using System;

namespace Internal.Runtime.CompilerHelpers;

/// <summary>
/// ldtoken helpers ILC binds by name. The JIT consumes the tokens the shim needs (array initializers,
/// RuntimeHelpers.CreateSpan) at compile time; a token that survives to run time means reflection,
/// which the shim does not have.
/// </summary>
internal static class LdTokenHelpers
{
    private static RuntimeTypeHandle GetRuntimeTypeHandle(nint pEEType) => NotSupported<RuntimeTypeHandle>();

    private static RuntimeMethodHandle GetRuntimeMethodHandle(nint pHandleSignature) => NotSupported<RuntimeMethodHandle>();

    private static RuntimeFieldHandle GetRuntimeFieldHandle(nint pHandleSignature) => NotSupported<RuntimeFieldHandle>();

    private static Type GetRuntimeType(nint pEEType) => NotSupported<Type>();

    private static T NotSupported<T>()
    {
        FailFastCore.Stop(FailFastKind.NotSupported, "a runtime type/method/field handle was requested (no reflection in runtime-shim)");
        return default!;
    }
}
