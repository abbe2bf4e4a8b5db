namespace System;

internal static class EmptyArray<T>
{
    // Allocated once per element type (a zero-length array costs only its header).
    internal static readonly T[] Value = new T[0];
}
