using System.Runtime.CompilerServices;

namespace System;

/// <summary>Element copies and fills behind Span, and the memset/memzero helpers ILC binds by name.</summary>
internal static class SpanHelpers
{
    internal static void Copy<T>(ref T destination, ref T source, int count)
    {
        nuint bytes = (nuint)(uint)count * (nuint)Unsafe.SizeOf<T>();
        Buffer.Memmove(ref Unsafe.As<T, byte>(ref destination), ref Unsafe.As<T, byte>(ref source), bytes);
    }

    internal static void Memmove(ref byte destination, ref byte source, nuint len) => Buffer.Memmove(ref destination, ref source, len);

    internal static unsafe void Fill(ref byte destination, nuint numBytes, byte value)
    {
        byte* p = (byte*)Unsafe.AsPointer(ref destination);
        for (nuint i = 0; i < numBytes; i++)
            p[i] = value;
    }

    internal static unsafe void ClearWithoutReferences(ref byte destination, nuint byteLength)
    {
        byte* p = (byte*)Unsafe.AsPointer(ref destination);
        nuint i = 0;
        for (; i + 8 <= byteLength; i += 8)
            *(ulong*)(p + i) = 0;
        for (; i < byteLength; i++)
            p[i] = 0;
    }

    internal static void ClearWithReferences(ref nint destination, nuint pointerSizeLength)
    {
        for (nuint i = 0; i < pointerSizeLength; i++)
            Unsafe.Add(ref destination, (nint)i) = 0;
    }
}
