namespace System;

/// <summary>
/// Declared because ILC requires the type to exist (boxing rules). Portable code may not use
/// <c>T?</c> on value types (docs/portable-subset.md), so only the fields the compiler knows are here.
/// </summary>
public struct Nullable<T> where T : struct
{
#pragma warning disable CS0649, CS0169
    private readonly bool hasValue;
    internal T value;
#pragma warning restore CS0649, CS0169
}
