using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Internal.Runtime;

namespace System;

/// <summary>A read-only view over contiguous memory. Same API as .NET's, fewer members.</summary>
public readonly ref struct ReadOnlySpan<T>
{
    internal readonly ref T _reference;
    private readonly int _length;

    public ReadOnlySpan(T[]? array)
    {
        if (array == null)
        {
            this = default;
            return;
        }
        _reference = ref MemoryMarshal.GetArrayDataReference(array);
        _length = array.Length;
    }

    public ReadOnlySpan(T[]? array, int start, int length)
    {
        if (array == null)
        {
            if (start != 0 || length != 0)
                ThrowHelpers.ThrowArgumentOutOfRangeException();
            this = default;
            return;
        }
        // One unsigned 64-bit comparison covers negative start, negative length and start + length overflow.
        if ((ulong)(uint)start + (ulong)(uint)length > (ulong)(uint)array.Length)
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        _reference = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(array), (nint)(uint)start);
        _length = length;
    }

    public unsafe ReadOnlySpan(void* pointer, int length)
    {
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
            ThrowHelpers.ThrowArgumentException();
        if (length < 0)
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        _reference = ref Unsafe.As<byte, T>(ref *(byte*)pointer);
        _length = length;
    }

    public ReadOnlySpan(ref readonly T reference)
    {
        _reference = ref Unsafe.AsRef(in reference);
        _length = 1;
    }

    internal ReadOnlySpan(ref T reference, int length)
    {
        _reference = ref reference;
        _length = length;
    }

    public ref readonly T this[int index]
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

    public static ReadOnlySpan<T> Empty => default;

    public ReadOnlySpan<T> Slice(int start)
    {
        if ((uint)start > (uint)_length)
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        return new ReadOnlySpan<T>(ref Unsafe.Add(ref _reference, (nint)(uint)start), _length - start);
    }

    public ReadOnlySpan<T> Slice(int start, int length)
    {
        if ((ulong)(uint)start + (ulong)(uint)length > (ulong)(uint)_length)
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        return new ReadOnlySpan<T>(ref Unsafe.Add(ref _reference, (nint)(uint)start), length);
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

    public ref readonly T GetPinnableReference()
    {
        ref T ret = ref Unsafe.NullRef<T>();
        if (_length != 0)
            ret = ref _reference;
        return ref ret;
    }

    public Enumerator GetEnumerator() => new Enumerator(this);

    public static implicit operator ReadOnlySpan<T>(T[]? array) => new ReadOnlySpan<T>(array);

    public static bool operator ==(ReadOnlySpan<T> left, ReadOnlySpan<T> right)
        => left._length == right._length && Unsafe.AreSame(ref left._reference, ref right._reference);

    public static bool operator !=(ReadOnlySpan<T> left, ReadOnlySpan<T> right) => !(left == right);

    public ref struct Enumerator
    {
        private readonly ReadOnlySpan<T> _span;
        private int _index;

        internal Enumerator(ReadOnlySpan<T> span)
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

        public ref readonly T Current => ref _span[_index];
    }
}
