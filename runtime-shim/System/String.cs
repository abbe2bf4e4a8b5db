using System.Runtime.CompilerServices;
using Internal.Runtime;

namespace System;

/// <summary>
/// Immutable UTF-16 text. In the shim strings are literals (frozen in the image by ILC); nothing here
/// builds or concatenates strings. The field layout is a contract with the compiler.
/// </summary>
public sealed class String
{
#pragma warning disable CS0649 // set by ILC for literals
    private readonly int _stringLength;
    private char _firstChar;
#pragma warning restore CS0649

    public static readonly string Empty = "";

    // Strings are literals made by the compiler; there is nothing to construct.
    private String() { }

    public int Length => _stringLength;

    [IndexerName("Chars")]
    public char this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_stringLength)
                ThrowHelpers.ThrowIndexOutOfRangeException();
            return Unsafe.Add(ref _firstChar, (nint)(uint)index);
        }
    }

    /// <summary>For <c>fixed (char* p = s)</c>: the first character, or a zero-length terminator for "".</summary>
    public ref readonly char GetPinnableReference() => ref _firstChar;

    internal ref char GetRawStringData() => ref _firstChar;

    public static bool operator ==(string? a, string? b) => Equals(a, b);

    public static bool operator !=(string? a, string? b) => !Equals(a, b);

    public static bool Equals(string? a, string? b)
    {
        if ((object?)a == b)
            return true;
        if (a is null || b is null || a._stringLength != b._stringLength)
            return false;
        return new ReadOnlySpan<char>(ref a._firstChar, a._stringLength)
            .SequenceEqual(new ReadOnlySpan<char>(ref b._firstChar, b._stringLength));
    }

    public bool Equals(string? value) => Equals(this, value);

    public override bool Equals(object? obj) => obj is string other && Equals(this, other);

    /// <summary>FNV-1a over the UTF-16 code units. Stable across runs (unlike .NET's randomized hash).</summary>
    public override int GetHashCode()
    {
        uint hash = 2166136261;
        for (int i = 0; i < _stringLength; i++)
            hash = (hash ^ Unsafe.Add(ref _firstChar, (nint)(uint)i)) * 16777619;
        return (int)hash;
    }

    public static implicit operator ReadOnlySpan<char>(string? value)
        => value is null ? default : new ReadOnlySpan<char>(ref value._firstChar, value._stringLength);
}
