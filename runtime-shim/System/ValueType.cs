using System.Runtime.CompilerServices;
using Internal.Runtime;

namespace System;

/// <summary>
/// Base of all structs. Equals and GetHashCode compare the value's bytes, which is what .NET does for
/// structs without references. .NET compares structs with references field by field through
/// reflection; the shim has no reflection, so such a struct must override Equals/GetHashCode itself
/// (calling the base is a fail-fast rather than a wrong answer).
/// </summary>
public abstract unsafe class ValueType
{
    public override bool Equals(object? obj)
    {
        if (obj == null)
            return false;
        MethodTable* type = this.GetMethodTable();
        if (obj.GetMethodTable() != type)
            return false;
        RequireNoReferences(type);

        ref byte left = ref Unsafe.As<RawData>(this).Data;
        ref byte right = ref Unsafe.As<RawData>(obj).Data;
        nuint size = ValueSize(type);
        for (nuint i = 0; i < size; i++)
        {
            if (Unsafe.Add(ref left, (nint)i) != Unsafe.Add(ref right, (nint)i))
                return false;
        }
        return true;
    }

    public override int GetHashCode()
    {
        MethodTable* type = this.GetMethodTable();
        RequireNoReferences(type);
        ref byte data = ref Unsafe.As<RawData>(this).Data;
        nuint size = ValueSize(type);
        uint hash = 2166136261;
        for (nuint i = 0; i < size; i++)
            hash = (hash ^ Unsafe.Add(ref data, (nint)i)) * 16777619;
        return (int)hash;
    }

    // The boxed value's bytes: base size less the object header word and the MethodTable pointer.
    // Trailing alignment padding is included; boxes are built from zeroed memory.
    private static nuint ValueSize(MethodTable* type) => type->BaseSize - (nuint)(2 * sizeof(nint));

    private static void RequireNoReferences(MethodTable* type)
    {
        if (type->ContainsGCPointers)
            FailFastCore.Stop(FailFastKind.NotSupported, "ValueType.Equals/GetHashCode on a struct with references needs an override (no reflection); type:", (ulong)type);
    }
}
