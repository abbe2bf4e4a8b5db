namespace System;

public readonly struct Boolean : IEquatable<bool>
{
    private readonly bool m_value;

    public bool Equals(bool obj) => m_value == obj;

    public override bool Equals(object? obj) => obj is bool other && other == m_value;

    public override int GetHashCode() => m_value ? 1 : 0;
}
