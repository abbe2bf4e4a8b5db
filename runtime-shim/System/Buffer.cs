using System.Runtime.CompilerServices;

namespace System;

/// <summary>
/// Memory moves that ILC binds by name (block copies in generated code). No GC means a move of
/// references needs no barrier, so both are the same overlap-safe copy.
/// </summary>
public static class Buffer
{
    internal static unsafe void Memmove(ref byte destination, ref byte source, nuint len)
    {
        if (len == 0 || Unsafe.AreSame(ref destination, ref source))
            return;

        byte* dst = (byte*)Unsafe.AsPointer(ref destination);
        byte* src = (byte*)Unsafe.AsPointer(ref source);
        if (dst < src || dst >= src + len)
        {
            // Forward: no overlap, or the destination starts before the source.
            nuint i = 0;
            for (; i + 8 <= len; i += 8)
                *(ulong*)(dst + i) = *(ulong*)(src + i);
            for (; i < len; i++)
                dst[i] = src[i];
        }
        else
        {
            // Backward: the destination overlaps the source's tail.
            nuint i = len;
            while (i >= 8)
            {
                i -= 8;
                *(ulong*)(dst + i) = *(ulong*)(src + i);
            }
            while (i > 0)
            {
                i--;
                dst[i] = src[i];
            }
        }
    }

    internal static void BulkMoveWithWriteBarrier(ref byte destination, ref byte source, nuint byteCount)
        => Memmove(ref destination, ref source, byteCount);
}
