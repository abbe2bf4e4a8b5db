namespace System;

/// <summary>nuint. With RuntimeFeature.NumericIntPtr the C# compiler treats it as a numeric primitive.</summary>
public readonly struct UIntPtr : IEquatable<nuint>
{
    private readonly nuint _value;

    public static readonly nuint Zero;

    public static int Size => sizeof(ulong);

    public static nuint MaxValue => unchecked((nuint)0xFFFFFFFFFFFFFFFF);
    public static nuint MinValue => 0;

    public bool Equals(nuint other) => _value == other;

    public override bool Equals(object? obj) => obj is nuint other && other == _value;

    public override int GetHashCode() => (int)_value ^ (int)((ulong)_value >> 32);
}
