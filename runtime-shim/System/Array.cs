using System.Runtime.CompilerServices;

namespace System;

/// <summary>
/// Base of all arrays. Only single-dimension, zero-based arrays exist in the shim. The element count
/// sits right after the MethodTable pointer (a layout contract with ILC).
/// </summary>
public abstract class Array
{
#pragma warning disable CS0649 // written by the allocator
    private readonly int _numComponents;
#pragma warning restore CS0649

    private protected Array() { }

    public int Length => _numComponents;

    public static T[] Empty<T>() => EmptyArray<T>.Value;
}
