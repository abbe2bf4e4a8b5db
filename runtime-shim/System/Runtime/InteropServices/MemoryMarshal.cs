using System.Runtime.CompilerServices;
using Internal.Runtime;

namespace System.Runtime.InteropServices;

/// <summary>The low-level span helpers of .NET's MemoryMarshal that the shim and efi-app need.</summary>
public static unsafe class MemoryMarshal
{
    public static ref T GetReference<T>(Span<T> span) => ref span._reference;

    public static ref T GetReference<T>(ReadOnlySpan<T> span) => ref span._reference;

    [Intrinsic]
    public static ref T GetArrayDataReference<T>(T[] array)
        => ref Unsafe.As<byte, T>(ref Unsafe.As<RawArrayData>(array).Data);

    public static Span<T> CreateSpan<T>(scoped ref T reference, int length)
        => new Span<T>(ref Unsafe.AsRef(in reference), length);

    public static ReadOnlySpan<T> CreateReadOnlySpan<T>(scoped ref readonly T reference, int length)
        => new ReadOnlySpan<T>(ref Unsafe.AsRef(in reference), length);

    public static Span<byte> AsBytes<T>(Span<T> span) where T : struct
    {
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
            ThrowHelpers.ThrowArgumentException();
        return new Span<byte>(ref Unsafe.As<T, byte>(ref span._reference), checked(span.Length * Unsafe.SizeOf<T>()));
    }

    public static ReadOnlySpan<byte> AsBytes<T>(ReadOnlySpan<T> span) where T : struct
    {
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
            ThrowHelpers.ThrowArgumentException();
        return new ReadOnlySpan<byte>(ref Unsafe.As<T, byte>(ref span._reference), checked(span.Length * Unsafe.SizeOf<T>()));
    }
}
