using System.Runtime.CompilerServices;

namespace Internal.Runtime;

/// <summary>The interface-to-implementation table of a type (.NET 8+ layout).</summary>
internal unsafe struct DispatchMap
{
    internal ushort StandardEntryCount;
    internal ushort DefaultEntryCount;
    internal ushort StandardStaticEntryCount;
    internal ushort DefaultStaticEntryCount;
    // DispatchMapEntry entries follow: standard, then default (then static ones, 8 bytes each).

    internal DispatchMapEntry* Entries => (DispatchMapEntry*)((byte*)Unsafe.AsPointer(ref this) + 4 * sizeof(ushort));
}
