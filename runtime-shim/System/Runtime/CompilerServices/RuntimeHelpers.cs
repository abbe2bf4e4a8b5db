using Internal.Runtime;

namespace System.Runtime.CompilerServices;

public static unsafe class RuntimeHelpers
{
    /// <summary>Offset of the first character from the start of a string object (MethodTable pointer + length).</summary>
    public static int OffsetToStringData => sizeof(nint) + sizeof(int);

    /// <summary>The JIT folds this per type; the body only runs if it could not.</summary>
    [Intrinsic]
    public static bool IsReferenceOrContainsReferences<T>()
    {
        MethodTable* type = MethodTable.Of<T>();
        return !type->IsValueType || type->ContainsGCPointers;
    }

    /// <summary>Array initializers (<c>new byte[] { ... }</c>). The JIT expands it into a copy of the field's RVA data.</summary>
    [Intrinsic]
    public static void InitializeArray(Array array, RuntimeFieldHandle fldHandle)
        => FailFastCore.Stop(FailFastKind.NotSupported, "RuntimeHelpers.InitializeArray was not expanded by the JIT");

    /// <summary>Static spans over constant data (<c>ReadOnlySpan&lt;ushort&gt; T =&gt; new ushort[] {...}</c>). The JIT expands it.</summary>
    [Intrinsic]
    public static ReadOnlySpan<T> CreateSpan<T>(RuntimeFieldHandle fldHandle)
    {
        FailFastCore.Stop(FailFastKind.NotSupported, "RuntimeHelpers.CreateSpan was not expanded by the JIT");
        return default;
    }
}
