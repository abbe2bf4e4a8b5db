using System.Runtime.CompilerServices;
using Internal.Runtime;
using Internal.Runtime.CompilerHelpers;

namespace System.Runtime;

/// <summary>
/// Boxing and unboxing where the JIT cannot do it inline (generic code over T, shared code).
/// Unboxing checks the exact type: a mismatch is a fail-fast (InvalidCast), never a reinterpretation.
/// Nullable&lt;T&gt; is outside the portable subset and is refused. ILC binds this class and its
/// members by name.
/// </summary>
internal static unsafe class RuntimeExports
{
    [RuntimeExport("RhNewObject")]
    private static object RhNewObject(MethodTable* type) => AllocationHelpers.NewObject(type);

    [RuntimeExport("RhNewArray")]
    private static object RhNewArray(MethodTable* arrayType, int length) => AllocationHelpers.NewArray(arrayType, length);

    [RuntimeExport("RhBox")]
    private static object? RhBox(MethodTable* type, ref byte data)
    {
        if (type->IsNullable)
            FailFastCore.Stop(FailFastKind.NotSupported, "boxing Nullable<T> is not supported; type:", (ulong)type);

        byte* obj = (byte*)Arena.Allocate(type->BaseSize);
        *(MethodTable**)obj = type;
        // The value's bytes (the box's base size less object header and MethodTable pointer; trailing padding included).
        nuint size = type->BaseSize - (nuint)(2 * sizeof(nint));
        Buffer.Memmove(ref *(obj + sizeof(nint)), ref data, size);
        return Unsafe.AsRef<object>(&obj);
    }

    [RuntimeExport("RhUnbox2")]
    private static ref byte RhUnbox2(MethodTable* type, object? obj)
    {
        if (obj == null)
            Internal.Runtime.ThrowHelpers.ThrowNullReferenceException();
        MethodTable* actual = obj.GetMethodTable();
        if (actual != type && !UnboxCompatible(actual, type))
            FailFastCore.Stop(FailFastKind.InvalidCast, "unboxing to the wrong value type; object MethodTable:", (ulong)actual);
        return ref Unsafe.As<RawData>(obj).Data;
    }

    [RuntimeExport("RhUnboxAny")]
    private static void RhUnboxAny(object? obj, ref byte data, MethodTable* type)
    {
        if (!type->IsValueType)
        {
            // unbox.any on a reference type is castclass.
            Unsafe.As<byte, object?>(ref data) = TypeCast.ChkCastAny(type, obj);
            return;
        }
        ref byte source = ref RhUnbox2(type, obj);
        Buffer.Memmove(ref data, ref source, type->BaseSize - (nuint)(2 * sizeof(nint)));
    }

    [RuntimeExport("RhUnboxNullable")]
    private static void RhUnboxNullable(ref byte data, MethodTable* type, object? obj)
        => FailFastCore.Stop(FailFastKind.NotSupported, "unboxing to Nullable<T> is not supported; type:", (ulong)type);

    [RuntimeExport("RhUnboxTypeTest")]
    private static void RhUnboxTypeTest(MethodTable* type, MethodTable* boxType)
    {
        if (type != boxType && !UnboxCompatible(boxType, type))
            FailFastCore.Stop(FailFastKind.InvalidCast, "unboxing to the wrong value type; object MethodTable:", (ulong)boxType);
    }

    // ECMA-335 III.4.32: an enum unboxes to its underlying type and back (same primitive element type).
    private static bool UnboxCompatible(MethodTable* actual, MethodTable* target)
        => actual->IsPrimitive && target->IsPrimitive && actual->ElementType == target->ElementType;
}
