namespace System;

public readonly struct Char : IEquatable<char>
{
    private readonly char m_value;

    public const char MaxValue = (char)0xFFFF;
    public const char MinValue = (char)0x00;

    public bool Equals(char obj) => m_value == obj;

    public override bool Equals(object? obj) => obj is char other && other == m_value;

    public override int GetHashCode() => m_value;
}
