namespace System;

/// <summary>sbyte. The field is the value itself (a contract with the compilers for primitives).</summary>
public readonly struct SByte : IEquatable<sbyte>, ISpanFormattable
{
    private readonly sbyte m_value;

    public const sbyte MaxValue = 127;
    public const sbyte MinValue = -128;

    /// <summary>
    /// Formats without allocating. Supported formats: empty, "D"/"d" and "X"/"x", each with an optional
    /// precision (minimum digits), as in .NET. The provider is ignored: output is invariant.
    /// </summary>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider? provider = null)
        => Number.TryFormatSigned(m_value, unchecked((byte)m_value), destination, out charsWritten, format);

    public bool Equals(sbyte obj) => m_value == obj;

    public override bool Equals(object? obj) => obj is sbyte other && other == m_value;

    public override int GetHashCode() => m_value;
}
