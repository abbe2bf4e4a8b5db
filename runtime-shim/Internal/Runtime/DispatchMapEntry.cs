namespace Internal.Runtime;

/// <summary>One row of a dispatch map: interface (index into the type's interface map), interface slot, implementing slot.</summary>
internal struct DispatchMapEntry
{
    internal ushort InterfaceIndex;
    internal ushort InterfaceMethodSlot;
    internal ushort ImplMethodSlot;
}
