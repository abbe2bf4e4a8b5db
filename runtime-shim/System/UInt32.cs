namespace System;

/// <summary>uint. The field is the value itself (a contract with the compilers for primitives).</summary>
public readonly struct UInt32 : IEquatable<uint>, ISpanFormattable
{
    private readonly uint m_value;

    public const uint MaxValue = 0xFFFFFFFF;
    public const uint MinValue = 0;

    /// <summary>
    /// Formats without allocating. Supported formats: empty, "D"/"d" and "X"/"x", each with an optional
    /// precision (minimum digits), as in .NET. The provider is ignored: output is invariant.
    /// </summary>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider? provider = null)
        => Number.TryFormatUnsigned(m_value, destination, out charsWritten, format);

    public bool Equals(uint obj) => m_value == obj;

    public override bool Equals(object? obj) => obj is uint other && other == m_value;

    public override int GetHashCode() => (int)m_value;
}
