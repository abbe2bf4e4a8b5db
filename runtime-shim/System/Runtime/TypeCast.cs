using System.Runtime.CompilerServices;
using Internal.Runtime;

namespace System.Runtime;

/// <summary>
/// Casts, type tests and array-store checks, bound by name by ILC (isinst/castclass/stelem.ref/ldelema).
/// Every answer is a real walk of the type's MethodTable: base-type chain, interface map, array
/// element types. A failed cast is a fail-fast (InvalidCast) that names both types' MethodTables.
/// Generic variance (IEnumerable&lt;string&gt; as IEnumerable&lt;object&gt;) is not implemented: asking for a
/// variant interface that is not implemented exactly is a fail-fast (NotSupported), never a wrong answer.
/// </summary>
internal static unsafe class TypeCast
{
    internal static object? IsInstanceOfClass(MethodTable* pTargetType, object? obj)
    {
        if (obj == null)
            return null;
        MethodTable* type = obj.GetMethodTable();
        if (type == pTargetType)
            return obj;
        return AreTypesAssignable(type, pTargetType) ? obj : null;
    }

    internal static object? IsInstanceOfInterface(MethodTable* pTargetType, object? obj)
    {
        if (obj == null)
            return null;
        return ImplementsInterface(obj.GetMethodTable(), pTargetType) ? obj : null;
    }

    internal static object? IsInstanceOfAny(MethodTable* pTargetType, object? obj)
    {
        if (obj == null)
            return null;
        return AreTypesAssignable(obj.GetMethodTable(), pTargetType) ? obj : null;
    }

    internal static object? IsInstanceOf(MethodTable* pTargetType, object? obj) => IsInstanceOfAny(pTargetType, obj);

    // Exception filters test the thrown object's type; there are no exceptions, but ILC binds the name.
    internal static bool IsInstanceOfException(MethodTable* pTargetType, object? obj) => IsInstanceOfAny(pTargetType, obj) != null;

    internal static object? ChkCastClass(MethodTable* pTargetType, object? obj)
    {
        if (obj == null || obj.GetMethodTable() == pTargetType)
            return obj;
        return ChkCastAny(pTargetType, obj);
    }

    internal static object? ChkCastClassSpecial(MethodTable* pTargetType, object? obj) => ChkCastAny(pTargetType, obj);

    internal static object? ChkCastInterface(MethodTable* pTargetType, object? obj)
    {
        if (obj == null)
            return null;
        if (!ImplementsInterface(obj.GetMethodTable(), pTargetType))
            ThrowInvalidCast(obj.GetMethodTable(), pTargetType);
        return obj;
    }

    internal static object? ChkCastAny(MethodTable* pTargetType, object? obj)
    {
        if (obj == null)
            return null;
        if (!AreTypesAssignable(obj.GetMethodTable(), pTargetType))
            ThrowInvalidCast(obj.GetMethodTable(), pTargetType);
        return obj;
    }

    // ILC's older helper names for the same operations.
    internal static object? CheckCastAny(MethodTable* pTargetType, object? obj) => ChkCastAny(pTargetType, obj);
    internal static object? CheckCastInterface(MethodTable* pTargetType, object? obj) => ChkCastInterface(pTargetType, obj);
    internal static object? CheckCastClass(MethodTable* pTargetType, object? obj) => ChkCastClass(pTargetType, obj);
    internal static object? CheckCastClassSpecial(MethodTable* pTargetType, object? obj) => ChkCastAny(pTargetType, obj);

    /// <summary>stelem.ref: bounds check, then the covariant store check (.NET's ArrayTypeMismatchException).</summary>
    internal static void StelemRef(object?[] array, nint index, object? obj)
    {
        if (array == null)
            Internal.Runtime.ThrowHelpers.ThrowNullReferenceException();
        if ((nuint)index >= (uint)array.Length)
            Internal.Runtime.ThrowHelpers.ThrowIndexOutOfRangeException();

        ref object? element = ref Unsafe.Add(ref Unsafe.As<byte, object?>(ref Unsafe.As<RawArrayData>(array).Data), index);
        if (obj == null)
        {
            element = null;
            return;
        }

        MethodTable* elementType = array.GetMethodTable()->RelatedParameterType;
        if (elementType != obj.GetMethodTable() && elementType != MethodTable.Of<object>() &&
            !AreTypesAssignable(obj.GetMethodTable(), elementType))
        {
            FailFastCore.Stop(FailFastKind.ArrayTypeMismatch,
                "Attempted to store an element of an incompatible type into an array; array MethodTable:",
                (ulong)array.GetMethodTable());
        }
        element = obj;
    }

    /// <summary>ldelema on a reference-type array: the element type must be exact (covariance would allow unsafe writes).</summary>
    internal static ref object? LdelemaRef(object?[] array, nint index, MethodTable* elementType)
    {
        if (array == null)
            Internal.Runtime.ThrowHelpers.ThrowNullReferenceException();
        if ((nuint)index >= (uint)array.Length)
            Internal.Runtime.ThrowHelpers.ThrowIndexOutOfRangeException();
        if (array.GetMethodTable()->RelatedParameterType != elementType)
            Internal.Runtime.ThrowHelpers.ThrowArrayTypeMismatchException();
        return ref Unsafe.Add(ref Unsafe.As<byte, object?>(ref Unsafe.As<RawArrayData>(array).Data), index);
    }

    /// <summary>Can a value of type <paramref name="source"/> be used as <paramref name="target"/>? (ECMA-335 I.8.7, without variance.)</summary>
    internal static bool AreTypesAssignable(MethodTable* source, MethodTable* target)
    {
        if (source == target)
            return true;

        if (target->IsInterface)
            return ImplementsInterface(source, target);

        if (source->IsArray && target->IsArray)
            return IsArrayAssignable(source, target);

        if (target->IsParameterizedType || source->IsParameterizedType && !source->IsArray)
            return false;

        // Classes (and boxed structs and arrays against Object/Array/ValueType): walk the base types.
        for (MethodTable* t = BaseTypeOf(source); t != null; t = BaseTypeOf(t))
        {
            if (t == target)
                return true;
        }
        return false;
    }

    private static MethodTable* BaseTypeOf(MethodTable* type)
    {
        // Arrays keep their element type in the related-type slot; their base type is System.Array.
        if (type->IsArray)
            return MethodTable.Of<Array>();
        return type->BaseType;
    }

    private static bool IsArrayAssignable(MethodTable* source, MethodTable* target)
    {
        if (source->ElementType != target->ElementType || source->BaseSize != target->BaseSize)
            return false;
        MethodTable* sourceElement = source->RelatedParameterType;
        MethodTable* targetElement = target->RelatedParameterType;
        if (sourceElement == targetElement)
            return true;
        // Same-size integers and enums over them are interchangeable as array elements (ECMA-335 I.8.7).
        if (sourceElement->IsPrimitive && targetElement->IsPrimitive)
            return NormalizedIntegralType(sourceElement->ElementType) == NormalizedIntegralType(targetElement->ElementType);
        // Array covariance (ECMA-335 I.8.7.1) applies to reference-type elements only.
        if (sourceElement->IsValueType || targetElement->IsValueType)
            return false;
        return AreTypesAssignable(sourceElement, targetElement);
    }

    // Signed and unsigned integers of one size are one type for array compatibility; bool, char and
    // floating point stay distinct (as in the CLR).
    private static EETypeElementType NormalizedIntegralType(EETypeElementType type) => type switch
    {
        EETypeElementType.SByte => EETypeElementType.Byte,
        EETypeElementType.Int16 => EETypeElementType.UInt16,
        EETypeElementType.Int32 => EETypeElementType.UInt32,
        EETypeElementType.Int64 => EETypeElementType.UInt64,
        EETypeElementType.IntPtr => EETypeElementType.UIntPtr,
        _ => type,
    };

    internal static bool ImplementsInterface(MethodTable* type, MethodTable* interfaceType)
    {
        int count = type->NumInterfaces;
        for (int i = 0; i < count; i++)
        {
            if (type->GetInterface(i) == interfaceType)
                return true;
        }
        if (interfaceType->HasGenericVariance)
        {
            FailFastCore.Stop(FailFastKind.NotSupported,
                "variant generic interface casts are not implemented in runtime-shim; interface MethodTable:",
                (ulong)interfaceType);
        }
        return false;
    }

    private static void ThrowInvalidCast(MethodTable* source, MethodTable* target)
    {
        // Two numbers on one line: the source type goes first in the detail, the target after it.
        Span<char> detail = stackalloc char[96];
        LineWriter w = new LineWriter(detail);
        w.Append("Unable to cast object of MethodTable 0x");
        w.AppendHex((ulong)source);
        w.Append(" to MethodTable");
        FailFastCore.Stop(FailFastKind.InvalidCast, w.Written, (ulong)target);
    }
}
