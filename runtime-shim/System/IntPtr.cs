namespace System;

/// <summary>nint. With RuntimeFeature.NumericIntPtr the C# compiler treats it as a numeric primitive.</summary>
public readonly struct IntPtr : IEquatable<nint>
{
    private readonly nint _value;

    public static readonly nint Zero;

    public static int Size => sizeof(long);

    public static nint MaxValue => unchecked((nint)0x7FFFFFFFFFFFFFFF);
    public static nint MinValue => unchecked((nint)0x8000000000000000);

    public bool Equals(nint other) => _value == other;

    public override bool Equals(object? obj) => obj is nint other && other == _value;

    public override int GetHashCode() => (int)_value ^ (int)((long)_value >> 32);
}
