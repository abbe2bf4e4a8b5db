using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Internal.Runtime;

namespace System;

/// <summary>The span extension methods of the portable subset, with .NET's signatures.</summary>
public static partial class MemoryExtensions
{
    public static Span<T> AsSpan<T>(this T[]? array) => new Span<T>(array);

    public static Span<T> AsSpan<T>(this T[]? array, int start)
    {
        if (array == null)
        {
            if (start != 0)
                ThrowHelpers.ThrowArgumentOutOfRangeException();
            return default;
        }
        if ((uint)start > (uint)array.Length)
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        return new Span<T>(array, start, array.Length - start);
    }

    public static Span<T> AsSpan<T>(this T[]? array, int start, int length) => new Span<T>(array, start, length);

    public static Span<T> AsSpan<T>(this T[]? array, Index startIndex)
    {
        if (array == null)
        {
            if (!startIndex.Equals(Index.Start))
                ThrowHelpers.ThrowArgumentOutOfRangeException();
            return default;
        }
        int start = startIndex.GetOffset(array.Length);
        if ((uint)start > (uint)array.Length)
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        return new Span<T>(array, start, array.Length - start);
    }

    public static Span<T> AsSpan<T>(this T[]? array, Range range)
    {
        if (array == null)
        {
            if (!range.Start.Equals(Index.Start) || !range.End.Equals(Index.Start))
                ThrowHelpers.ThrowArgumentOutOfRangeException();
            return default;
        }
        int start = range.Start.GetOffset(array.Length);
        int end = range.End.GetOffset(array.Length);
        if ((uint)end > (uint)array.Length || (uint)start > (uint)end)
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        return new Span<T>(array, start, end - start);
    }

    // C# 14 lowers the implicit string-to-span conversion to this method, so it must not use that conversion itself.
    public static ReadOnlySpan<char> AsSpan(this string? text)
        => text is null ? default : new ReadOnlySpan<char>(ref text.GetRawStringData(), text.Length);

    public static ReadOnlySpan<char> AsSpan(this string? text, int start)
    {
        ReadOnlySpan<char> all = text;
        return all.Slice(start);
    }

    public static ReadOnlySpan<char> AsSpan(this string? text, int start, int length)
    {
        ReadOnlySpan<char> all = text;
        return all.Slice(start, length);
    }

    public static bool SequenceEqual<T>(this Span<T> span, ReadOnlySpan<T> other) where T : IEquatable<T>?
        => SequenceEqual((ReadOnlySpan<T>)span, other);

    public static bool SequenceEqual<T>(this ReadOnlySpan<T> span, ReadOnlySpan<T> other) where T : IEquatable<T>?
    {
        if (span.Length != other.Length)
            return false;
        for (int i = 0; i < span.Length; i++)
        {
            if (!EqualsOrBothNull(span[i], other[i]))
                return false;
        }
        return true;
    }

    public static int IndexOf<T>(this Span<T> span, T value) where T : IEquatable<T>?
        => IndexOf((ReadOnlySpan<T>)span, value);

    public static int IndexOf<T>(this ReadOnlySpan<T> span, T value) where T : IEquatable<T>?
    {
        for (int i = 0; i < span.Length; i++)
        {
            if (EqualsOrBothNull(span[i], value))
                return i;
        }
        return -1;
    }

    public static int IndexOf<T>(this Span<T> span, ReadOnlySpan<T> value) where T : IEquatable<T>?
        => IndexOf((ReadOnlySpan<T>)span, value);

    public static int IndexOf<T>(this ReadOnlySpan<T> span, ReadOnlySpan<T> value) where T : IEquatable<T>?
    {
        if (value.Length == 0)
            return 0;
        int last = span.Length - value.Length;
        for (int i = 0; i <= last; i++)
        {
            if (SequenceEqual(span.Slice(i, value.Length), value))
                return i;
        }
        return -1;
    }

    // .NET compares with IEquatable<T>.Equals and treats two nulls as equal.
    private static bool EqualsOrBothNull<T>(T left, T right) where T : IEquatable<T>?
    {
        if (left is null)
            return right is null;
        return left.Equals(right);
    }
}
