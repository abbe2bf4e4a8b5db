namespace System;

/// <summary>short. The field is the value itself (a contract with the compilers for primitives).</summary>
public readonly struct Int16 : IEquatable<short>, ISpanFormattable
{
    private readonly short m_value;

    public const short MaxValue = 32767;
    public const short MinValue = -32768;

    /// <summary>
    /// Formats without allocating. Supported formats: empty, "D"/"d" and "X"/"x", each with an optional
    /// precision (minimum digits), as in .NET. The provider is ignored: output is invariant.
    /// </summary>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider? provider = null)
        => Number.TryFormatSigned(m_value, unchecked((ushort)m_value), destination, out charsWritten, format);

    public bool Equals(short obj) => m_value == obj;

    public override bool Equals(object? obj) => obj is short other && other == m_value;

    public override int GetHashCode() => m_value;
}
