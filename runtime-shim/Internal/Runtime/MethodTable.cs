using System.Runtime.CompilerServices;

namespace Internal.Runtime;

/// <summary>
/// The shim's view of the type descriptor ILC emits for every type (NativeAOT's MethodTable, .NET 10
/// layout, x64). Only what casting, allocation and interface dispatch read is declared. The layout is
/// a contract with ILC; RuntimeShim's self-test checks it against real types on every boot.
/// </summary>
internal unsafe struct MethodTable
{
    // Upper 16 bits: flags. Lower 16 bits: component size (arrays, string) or extended flags.
    private uint _uFlags;
    private uint _uBaseSize;
    // Base type for classes, element type for arrays and pointers.
    private MethodTable* _relatedType;
    private ushort _usNumVtableSlots;
    private ushort _usNumInterfaces;
    private uint _uHashCode;
    // The vtable (NumVtableSlots pointers), then the interface map (NumInterfaces pointers), then the
    // optional fields below follow.

    private const uint HasComponentSizeFlag = 0x8000_0000;
    private const uint KindMask = 0x0003_0000;
    private const uint KindCanonical = 0x0000_0000;
    private const uint KindFunctionPointer = 0x0001_0000;
    private const uint KindParameterized = 0x0002_0000;
    private const uint KindGenericTypeDefinition = 0x0003_0000;
    private const uint HasDispatchMapFlag = 0x0004_0000;
    private const uint IsDynamicTypeFlag = 0x0008_0000;
    private const uint HasFinalizerFlag = 0x0010_0000;
    private const uint HasSealedVTableEntriesFlag = 0x0020_0000;
    private const uint GenericVarianceFlag = 0x0080_0000;
    private const uint HasPointersFlag = 0x0100_0000;
    private const uint IsGenericFlag = 0x0200_0000;
    private const uint ElementTypeMask = 0x7C00_0000;
    private const int ElementTypeShift = 26;

    [Intrinsic]
    internal static extern MethodTable* Of<T>();

    internal uint Flags => _uFlags;

    internal uint BaseSize => _uBaseSize;

    internal bool HasComponentSize => (_uFlags & HasComponentSizeFlag) != 0;

    internal ushort ComponentSize => HasComponentSize ? (ushort)_uFlags : (ushort)0;

    internal ushort NumVtableSlots => _usNumVtableSlots;

    internal ushort NumInterfaces => _usNumInterfaces;

    internal uint HashCode => _uHashCode;

    internal EETypeElementType ElementType => (EETypeElementType)((_uFlags & ElementTypeMask) >> ElementTypeShift);

    internal bool IsParameterizedType => (_uFlags & KindMask) == KindParameterized;

    internal bool IsFunctionPointer => (_uFlags & KindMask) == KindFunctionPointer;

    internal bool IsGenericTypeDefinition => (_uFlags & KindMask) == KindGenericTypeDefinition;

    internal bool IsCanonical => (_uFlags & KindMask) == KindCanonical;

    internal bool HasGenericVariance => (_uFlags & GenericVarianceFlag) != 0;

    internal bool HasDispatchMap => (_uFlags & HasDispatchMapFlag) != 0;

    internal bool IsDynamicType => (_uFlags & IsDynamicTypeFlag) != 0;

    internal bool IsFinalizable => (_uFlags & HasFinalizerFlag) != 0;

    internal bool HasSealedVTableEntries => (_uFlags & HasSealedVTableEntriesFlag) != 0;

    internal bool ContainsGCPointers => (_uFlags & HasPointersFlag) != 0;

    internal bool IsGeneric => (_uFlags & IsGenericFlag) != 0;

    internal bool IsArray
    {
        get
        {
            EETypeElementType et = ElementType;
            return et == EETypeElementType.SzArray || et == EETypeElementType.Array;
        }
    }

    internal bool IsSzArray => ElementType == EETypeElementType.SzArray;

    internal bool IsInterface => ElementType == EETypeElementType.Interface;

    internal bool IsValueType => ElementType < EETypeElementType.Class;

    internal bool IsNullable => ElementType == EETypeElementType.Nullable;

    internal bool IsPrimitive => ElementType < EETypeElementType.ValueType && ElementType != EETypeElementType.Unknown;

    /// <summary>Base type of a class or struct (null for Object and interfaces).</summary>
    internal MethodTable* BaseType => IsParameterizedType || IsFunctionPointer ? null : _relatedType;

    /// <summary>Element type of an array, pointer or byref.</summary>
    internal MethodTable* RelatedParameterType => _relatedType;

    /// <summary>The virtual method slots, right after the fixed fields.</summary>
    internal MethodTable** VTable => (MethodTable**)((byte*)Unsafe.AsPointer(ref this) + sizeof(MethodTable));

    internal MethodTable** InterfaceMap => (MethodTable**)((byte*)VTable + sizeof(nint) * _usNumVtableSlots);

    internal MethodTable* GetInterface(int index) => InterfaceMap[index];

    internal nint GetVTableSlot(int slot) => ((nint*)VTable)[slot];

    // Relative pointers (4 bytes) follow the interface map, in this order (.NET 8+):
    // TypeManager indirection, writable data, dispatch map (if any), finalizer (if any),
    // sealed virtual slots (if any), then generic data.
    private byte* OptionalFieldsStart => (byte*)InterfaceMap + sizeof(nint) * _usNumInterfaces;

    private static void* ReadRelativePointer(byte* at) => at + *(int*)at;

    internal DispatchMap* DispatchMap
    {
        get
        {
            if (!HasDispatchMap)
                return null;
            // Skip TypeManager indirection and writable data.
            return (DispatchMap*)ReadRelativePointer(OptionalFieldsStart + 2 * sizeof(int));
        }
    }

    /// <summary>Sealed virtual slot table: relative pointers to method entry points.</summary>
    internal nint GetSealedVirtualSlot(int index)
    {
        byte* field = OptionalFieldsStart + 2 * sizeof(int);
        if (HasDispatchMap)
            field += sizeof(int);
        if (IsFinalizable)
            field += sizeof(int);
        int* table = (int*)ReadRelativePointer(field);
        return (nint)ReadRelativePointer((byte*)(table + index));
    }
}
