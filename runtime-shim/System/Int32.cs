namespace System;

/// <summary>int. The field is the value itself (a contract with the compilers for primitives).</summary>
public readonly struct Int32 : IEquatable<int>, ISpanFormattable
{
    private readonly int m_value;

    public const int MaxValue = 2147483647;
    public const int MinValue = unchecked((int)0x80000000);

    /// <summary>
    /// Formats without allocating. Supported formats: empty, "D"/"d" and "X"/"x", each with an optional
    /// precision (minimum digits), as in .NET. The provider is ignored: output is invariant.
    /// </summary>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider? provider = null)
        => Number.TryFormatSigned(m_value, unchecked((uint)m_value), destination, out charsWritten, format);

    public bool Equals(int obj) => m_value == obj;

    public override bool Equals(object? obj) => obj is int other && other == m_value;

    public override int GetHashCode() => m_value;
}
