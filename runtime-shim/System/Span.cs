using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Internal.Runtime;

namespace System;

/// <summary>A view over contiguous memory (an array, stack memory or a native buffer). Same API as .NET's, fewer members.</summary>
public readonly unsafe ref struct Span<T>
{
    internal readonly ref T _reference;
    private readonly int _length;

    public Span(T[]? array)
    {
        if (array == null)
        {
            this = default;
            return;
        }
        // Covariance: a string[] seen as object[] must not become a writable Span<object> (.NET rule).
        if (default(T) == null && array.GetMethodTable() != MethodTable.Of<T[]>())
            ThrowHelpers.ThrowArrayTypeMismatchException();
        _reference = ref MemoryMarshal.GetArrayDataReference(array);
        _length = array.Length;
    }

    public Span(T[]? array, int start, int length)
    {
        if (array == null)
        {
            if (start != 0 || length != 0)
                ThrowHelpers.ThrowArgumentOutOfRangeException();
            this = default;
            return;
        }
        if (default(T) == null && array.GetMethodTable() != MethodTable.Of<T[]>())
            ThrowHelpers.ThrowArrayTypeMismatchException();
        // One unsigned 64-bit comparison covers negative start, negative length and start + length overflow.
        if ((ulong)(uint)start + (ulong)(uint)length > (ulong)(uint)array.Length)
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        _reference = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(array), (nint)(uint)start);
        _length = length;
    }

    public unsafe Span(void* pointer, int length)
    {
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
            ThrowHelpers.ThrowArgumentException();
        if (length < 0)
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        _reference = ref Unsafe.As<byte, T>(ref *(byte*)pointer);
        _length = length;
    }

    public Span(ref T reference)
    {
        _reference = ref reference;
        _length = 1;
    }

    internal Span(ref T reference, int length)
    {
        _reference = ref reference;
        _length = length;
    }

    public ref T this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_length)
                ThrowHelpers.ThrowIndexOutOfRangeException();
            return ref Unsafe.Add(ref _reference, (nint)(uint)index);
        }
    }

    public int Length => _length;

    public bool IsEmpty => _length == 0;

    public static Span<T> Empty => default;

    public Span<T> Slice(int start)
    {
        if ((uint)start > (uint)_length)
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        return new Span<T>(ref Unsafe.Add(ref _reference, (nint)(uint)start), _length - start);
    }

    public Span<T> Slice(int start, int length)
    {
        if ((ulong)(uint)start + (ulong)(uint)length > (ulong)(uint)_length)
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        return new Span<T>(ref Unsafe.Add(ref _reference, (nint)(uint)start), length);
    }

    public void Clear()
    {
        for (int i = 0; i < _length; i++)
            Unsafe.Add(ref _reference, (nint)(uint)i) = default!;
    }

    public void Fill(T value)
    {
        for (int i = 0; i < _length; i++)
            Unsafe.Add(ref _reference, (nint)(uint)i) = value;
    }

    public void CopyTo(Span<T> destination)
    {
        if ((uint)_length > (uint)destination.Length)
            ThrowHelpers.ThrowArgumentException();
        SpanHelpers.Copy(ref destination._reference, ref _reference, _length);
    }

    public bool TryCopyTo(Span<T> destination)
    {
        if ((uint)_length > (uint)destination.Length)
            return false;
        SpanHelpers.Copy(ref destination._reference, ref _reference, _length);
        return true;
    }

    public ref T GetPinnableReference()
    {
        ref T ret = ref Unsafe.NullRef<T>();
        if (_length != 0)
            ret = ref _reference;
        return ref ret;
    }

    public Enumerator GetEnumerator() => new Enumerator(this);

    public static implicit operator Span<T>(T[]? array) => new Span<T>(array);

    public static implicit operator ReadOnlySpan<T>(Span<T> span) => new ReadOnlySpan<T>(ref span._reference, span._length);

    public static bool operator ==(Span<T> left, Span<T> right)
        => left._length == right._length && Unsafe.AreSame(ref left._reference, ref right._reference);

    public static bool operator !=(Span<T> left, Span<T> right) => !(left == right);

    public ref struct Enumerator
    {
        private readonly Span<T> _span;
        private int _index;

        internal Enumerator(Span<T> span)
        {
            _span = span;
            _index = -1;
        }

        public bool MoveNext()
        {
            int index = _index + 1;
            if (index < _span.Length)
            {
                _index = index;
                return true;
            }
            return false;
        }

        public ref T Current => ref _span[_index];
    }
}
