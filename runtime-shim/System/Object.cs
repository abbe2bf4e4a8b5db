using Internal.Runtime;

namespace System;

/// <summary>The root of the type hierarchy. Its only field, the MethodTable pointer, is a contract with ILC.</summary>
public unsafe class Object
{
#pragma warning disable CS0649 // written by the allocator, never by C#
    // The layout of object is a contract with the compiler: the first pointer is the type.
    internal MethodTable* m_pMethodTable;
#pragma warning restore CS0649

    public Object() { }

    // Reference equality: there is no reflection-based field comparison in the shim.
    public virtual bool Equals(object? obj) => this == obj;

    /// <summary>Identity hash: objects never move (no GC), so the address identifies the object.</summary>
    public virtual int GetHashCode()
    {
        object self = this;
        nint address = System.Runtime.CompilerServices.Unsafe.As<object, nint>(ref self);
        return (int)address ^ (int)((long)address >> 32);
    }

    internal MethodTable* GetMethodTable() => m_pMethodTable;

    public static bool ReferenceEquals(object? objA, object? objB) => objA == objB;
}
