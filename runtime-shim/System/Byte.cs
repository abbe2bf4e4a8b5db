namespace System;

/// <summary>byte. The field is the value itself (a contract with the compilers for primitives).</summary>
public readonly struct Byte : IEquatable<byte>, ISpanFormattable
{
    private readonly byte m_value;

    public const byte MaxValue = 255;
    public const byte MinValue = 0;

    /// <summary>
    /// Formats without allocating. Supported formats: empty, "D"/"d" and "X"/"x", each with an optional
    /// precision (minimum digits), as in .NET. The provider is ignored: output is invariant.
    /// </summary>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider? provider = null)
        => Number.TryFormatUnsigned(m_value, destination, out charsWritten, format);

    public bool Equals(byte obj) => m_value == obj;

    public override bool Equals(object? obj) => obj is byte other && other == m_value;

    public override int GetHashCode() => m_value;
}
