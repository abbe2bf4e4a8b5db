namespace System;

/// <summary>ulong. The field is the value itself (a contract with the compilers for primitives).</summary>
public readonly struct UInt64 : IEquatable<ulong>, ISpanFormattable
{
    private readonly ulong m_value;

    public const ulong MaxValue = 0xFFFFFFFFFFFFFFFF;
    public const ulong MinValue = 0;

    /// <summary>
    /// Formats without allocating. Supported formats: empty, "D"/"d" and "X"/"x", each with an optional
    /// precision (minimum digits), as in .NET. The provider is ignored: output is invariant.
    /// </summary>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider? provider = null)
        => Number.TryFormatUnsigned(m_value, destination, out charsWritten, format);

    public bool Equals(ulong obj) => m_value == obj;

    public override bool Equals(object? obj) => obj is ulong other && other == m_value;

    public override int GetHashCode() => (int)m_value ^ (int)(m_value >> 32);
}
