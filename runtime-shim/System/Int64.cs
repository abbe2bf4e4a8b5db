namespace System;

/// <summary>long. The field is the value itself (a contract with the compilers for primitives).</summary>
public readonly struct Int64 : IEquatable<long>, ISpanFormattable
{
    private readonly long m_value;

    public const long MaxValue = 9223372036854775807;
    public const long MinValue = unchecked((long)0x8000000000000000);

    /// <summary>
    /// Formats without allocating. Supported formats: empty, "D"/"d" and "X"/"x", each with an optional
    /// precision (minimum digits), as in .NET. The provider is ignored: output is invariant.
    /// </summary>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider? provider = null)
        => Number.TryFormatSigned(m_value, unchecked((ulong)m_value), destination, out charsWritten, format);

    public bool Equals(long obj) => m_value == obj;

    public override bool Equals(object? obj) => obj is long other && other == m_value;

    public override int GetHashCode() => (int)m_value ^ (int)(m_value >> 32);
}
