using Internal.Runtime;

namespace System;

/// <summary>An index from the start or (with ^) from the end of a sequence, as in .NET.</summary>
public readonly struct Index : IEquatable<Index>
{
    // Negative values encode "from end" as the bitwise complement, like .NET.
    private readonly int _value;

    public Index(int value, bool fromEnd = false)
    {
        if (value < 0)
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        _value = fromEnd ? ~value : value;
    }

    private Index(int value, byte _) => _value = value;

    public static Index Start => new Index(0, (byte)0);

    public static Index End => new Index(~0, (byte)0);

    public static Index FromStart(int value)
    {
        if (value < 0)
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        return new Index(value, (byte)0);
    }

    public static Index FromEnd(int value)
    {
        if (value < 0)
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        return new Index(~value, (byte)0);
    }

    public int Value => _value < 0 ? ~_value : _value;

    public bool IsFromEnd => _value < 0;

    public int GetOffset(int length)
    {
        int offset = _value;
        if (IsFromEnd)
            offset += length + 1;
        return offset;
    }

    public bool Equals(Index other) => _value == other._value;

    public override bool Equals(object? value) => value is Index other && _value == other._value;

    public override int GetHashCode() => _value;

    public static implicit operator Index(int value) => FromStart(value);
}
