using System;
using System.Runtime;

namespace Internal.Runtime.CompilerHelpers;

/// <summary>
/// Object, array and string allocation for ILC-generated code (the RhpNew* helpers). Everything comes
/// zeroed from the arena; there is no finalization, so a finalizable type is refused.
/// </summary>
internal static unsafe class AllocationHelpers
{
    [RuntimeExport("RhpNewFast")]
    private static object RhpNewFast(MethodTable* type) => NewObject(type);

    internal static object NewObject(MethodTable* type)
    {
        if (type->IsFinalizable)
            RhpNewFinalizable(type);
        void* memory = Arena.Allocate(type->BaseSize);
        *(MethodTable**)memory = type;
        return ObjectFromPointer(memory);
    }

    [RuntimeExport("RhpNewFinalizable")]
    private static object RhpNewFinalizable(MethodTable* type)
    {
        // No GC, so a finalizer would never run; refusing is more honest than silently skipping it.
        FailFastCore.Stop(FailFastKind.NotSupported, "finalizers do not exist without a GC; type:", (ulong)type);
        return null!;
    }

    [RuntimeExport("RhpNewArray")]
    private static object RhpNewArray(MethodTable* arrayType, nint length) => NewArray(arrayType, length);

    [RuntimeExport("RhpNewArrayFast")]
    private static object RhpNewArrayFast(MethodTable* arrayType, nint length) => NewArray(arrayType, length);

    [RuntimeExport("RhpNewPtrArrayFast")]
    private static object RhpNewPtrArrayFast(MethodTable* arrayType, nint length) => NewArray(arrayType, length);

    [RuntimeExport("RhNewString")]
    private static object RhNewString(MethodTable* stringType, nint length) => NewArray(stringType, length);

    internal static object NewArray(MethodTable* arrayType, nint length)
    {
        // .NET: a negative size is an OverflowException ("Arithmetic operation resulted in an overflow").
        if (length < 0 || length > int.MaxValue)
            FailFastCore.Stop(FailFastKind.Overflow, "array length out of range:", (ulong)length);

        // Component sizes are at most 64 KiB and length below 2^31, so the product fits in 64 bits.
        ulong size = arrayType->BaseSize + (ulong)length * arrayType->ComponentSize;
        void* memory = Arena.Allocate(size);
        *(MethodTable**)memory = arrayType;
        *(int*)((byte*)memory + sizeof(nint)) = (int)length;
        return ObjectFromPointer(memory);
    }

    private static object ObjectFromPointer(void* memory) => System.Runtime.CompilerServices.Unsafe.AsRef<object>(&memory);
}
