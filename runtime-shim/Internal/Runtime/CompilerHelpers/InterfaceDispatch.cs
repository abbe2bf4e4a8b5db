using System.Runtime;

namespace Internal.Runtime.CompilerHelpers;

/// <summary>
/// Resolves an interface call. ILC gives each call site a dispatch cell; the native stub
/// (RhpInitialDynamicInterfaceDispatch in Native/RuntimeStubs.X64.S / RuntimeStubs.Arm64.S) passes the receiver and the cell here
/// and jumps to the returned address. The first resolution of a cell replaces the cell's second word
/// by a <see cref="CellRecord"/> (interface, slot, last receiver type and its target); the stub then
/// jumps straight to the target while the receiver type stays the same (a monomorphic cache, as in
/// NativeAOT's own runtime, which also rewrites that word).
/// </summary>
internal static unsafe class InterfaceDispatch
{
    // InterfaceDispatchCell: { stub, cache }. Cells come in runs; the run ends with a cell whose stub is
    // null and whose second word holds the slot number (low 16 bits) and cell type (high bits).
    private struct DispatchCell
    {
        public nint Stub;
        public nint Cache;
    }

    // Low two bits of a cell's second word: how the interface type is stored.
    private const nint CachePointerIsInterfacePointer = 0x1;
    private const nint CachePointerIsIndirectedInterfacePointer = 0x2;
    private const nint CachePointerIsInterfaceRelativePointer = 0x3;
    private const nint CachePointerMask = 0x3;

    // Dispatch-map implementation slots with a special meaning (.NET 8+).
    private const ushort DiamondSlot = 0xFFFE;
    private const ushort ReabstractionSlot = 0xFFFF;

    // Layout shared with the stub: Type at 0, Target at 8.
    private struct CellRecord
    {
        public MethodTable* Type;
        public nint Target;
        public MethodTable* Interface;
        public nint Slot;
    }

    // Below this, an aligned second word is not a record (ILC's vtable-offset cells use small values).
    private const nint MinimumRecordAddress = 0x1000;

    [RuntimeExport("ShimResolveInterfaceDispatch")]
    private static nint Resolve(object? receiver, void* cellAddress)
    {
        if (receiver == null)
            Internal.Runtime.ThrowHelpers.ThrowNullReferenceException();

        DispatchCell* cell = (DispatchCell*)cellAddress;
        MethodTable* type = receiver.GetMethodTable();
        CellRecord* record;
        if ((cell->Cache & CachePointerMask) == 0 && cell->Cache >= MinimumRecordAddress)
        {
            record = (CellRecord*)cell->Cache;
        }
        else
        {
            record = (CellRecord*)Arena.Allocate((ulong)sizeof(CellRecord));
            record->Interface = DecodeInterface(cell);
            record->Slot = DecodeSlot(cell);
        }

        nint target = FindImplementation(type, record->Interface, (ushort)record->Slot);
        record->Type = type;
        record->Target = target;
        // Publish last: the stub reads the record only once this word has its low bits clear.
        cell->Cache = (nint)record;
        return target;
    }

    private static MethodTable* DecodeInterface(DispatchCell* cell)
    {
        nint cache = cell->Cache;
        switch (cache & CachePointerMask)
        {
            case CachePointerIsInterfacePointer:
                return (MethodTable*)(cache & ~CachePointerMask);
            case CachePointerIsInterfaceRelativePointer:
            case CachePointerIsIndirectedInterfacePointer:
                {
                    // A 32-bit offset from the cache word itself.
                    nint target = ((nint)(&cell->Cache) + (int)cache) & ~CachePointerMask;
                    if ((cache & CachePointerMask) == CachePointerIsInterfaceRelativePointer)
                        return (MethodTable*)target;
                    return *(MethodTable**)target;
                }
            default:
                FailFastCore.Stop(FailFastKind.InvalidProgram, "interface dispatch cell in an unknown format; cell:", (ulong)cell);
                return null;
        }
    }

    private static ushort DecodeSlot(DispatchCell* cell)
    {
        DispatchCell* c = cell;
        while (c->Stub != 0)
            c++;
        return (ushort)c->Cache;
    }

    internal static nint FindImplementation(MethodTable* type, MethodTable* interfaceType, ushort slot)
    {
        // Implementations declared by the type or its bases first, then default interface methods.
        for (int pass = 0; pass < 2; pass++)
        {
            bool defaults = pass == 1;
            for (MethodTable* t = type; t != null; t = t->IsArray ? null : t->BaseType)
            {
                if (TryFindImplSlot(t, interfaceType, slot, defaults, out ushort implSlot))
                {
                    if (implSlot == DiamondSlot || implSlot == ReabstractionSlot)
                        break;
                    if (implSlot < t->NumVtableSlots)
                        return type->GetVTableSlot(implSlot);
                    return t->GetSealedVirtualSlot(implSlot - t->NumVtableSlots);
                }
            }
        }

        FailFastCore.Stop(FailFastKind.InvalidProgram, "no implementation for an interface method; receiver MethodTable:", (ulong)type);
        return 0;
    }

    private static bool TryFindImplSlot(MethodTable* type, MethodTable* interfaceType, ushort slot, bool defaults, out ushort implSlot)
    {
        implSlot = 0;
        DispatchMap* map = type->DispatchMap;
        if (map == null)
            return false;

        int first = defaults ? map->StandardEntryCount : 0;
        int end = defaults ? map->StandardEntryCount + map->DefaultEntryCount : map->StandardEntryCount;
        DispatchMapEntry* entries = map->Entries;
        for (int e = first; e < end; e++)
        {
            DispatchMapEntry* entry = entries + e;
            if (entry->InterfaceMethodSlot != slot)
                continue;
            if (entry->InterfaceIndex >= type->NumInterfaces)
                continue;
            if (type->GetInterface(entry->InterfaceIndex) == interfaceType)
            {
                implSlot = entry->ImplMethodSlot;
                return true;
            }
        }
        return false;
    }
}
