using System.Runtime.CompilerServices;
using Internal.Runtime.Platform;

namespace Internal.Runtime;

/// <summary>
/// The only heap: a bump allocator over pages from BootServices.AllocatePages. There is no GC and no
/// free, so every object lives until the machine stops; that is why the portable code allocates once at
/// setup. Memory is handed out zeroed. When the firmware has no pages left, or the configured limit
/// would be passed, allocation is a fail-fast (OutOfMemory) that names the request size.
/// </summary>
internal static unsafe class Arena
{
    // Chunks are taken from the firmware in this size, or larger for a big single object.
    private const ulong ChunkBytes = 1024 * 1024;
    private const ulong Alignment = 8;

    private static byte* s_cursor;
    private static byte* s_chunkEnd;
    private static ulong s_used;
    private static ulong s_reserved;
    private static ulong s_limit = 512UL * 1024 * 1024;

    // The counters are read through calls the JIT cannot see into: it assumes allocation helpers leave
    // managed statics alone, and would otherwise reuse a value read before an allocation after it.

    /// <summary>Bytes handed out to objects so far.</summary>
    internal static ulong Used
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        get => s_used;
    }

    /// <summary>
    /// The most bytes ever in use. Nothing is freed, so it equals <see cref="Used"/>; it is kept as its own
    /// figure so reports stay right if a scoped reset is ever added.
    /// </summary>
    internal static ulong HighWater
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        get => s_used;
    }

    /// <summary>Bytes taken from the firmware (used + the unused tail of the current chunk).</summary>
    internal static ulong Reserved
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        get => s_reserved;
    }

    /// <summary>Upper bound on <see cref="Reserved"/>; reaching it is out of memory even if the firmware has more.</summary>
    internal static ulong Limit
    {
        get => s_limit;
        set => s_limit = value;
    }

    /// <summary>Returns <paramref name="size"/> zeroed bytes, 8-byte aligned. Never returns null.</summary>
    internal static void* Allocate(ulong size)
    {
        ulong rounded = (size + (Alignment - 1)) & ~(Alignment - 1);
        if (rounded < size)
            FailFastCore.Stop(FailFastKind.OutOfMemory, "allocation size overflows; bytes requested:", size);

        if (rounded > (ulong)(s_chunkEnd - s_cursor))
            NewChunk(rounded);

        byte* result = s_cursor;
        s_cursor += rounded;
        s_used += rounded;
        Zero(result, rounded);
        return result;
    }

    private static void NewChunk(ulong minimum)
    {
        ulong bytes = minimum > ChunkBytes ? minimum : ChunkBytes;
        ulong pages = (bytes + EfiMemory.PageSize - 1) / EfiMemory.PageSize;
        ulong chunk = pages * EfiMemory.PageSize;

        if (chunk > s_limit - s_reserved || s_limit < s_reserved)
            FailFastCore.Stop(FailFastKind.OutOfMemory, "arena limit reached; bytes requested:", minimum);

        EfiSystemTable* st = EfiRuntime.SystemTablePointer;
        if (st == null)
            FailFastCore.Stop(FailFastKind.OutOfMemory, "allocation before the runtime was initialized; bytes:", minimum);

        ulong address = 0;
        nuint status = st->BootServices->AllocatePages(EfiMemory.AllocateAnyPages, EfiMemory.LoaderData, (nuint)pages, &address);
        if (status != 0 || address == 0)
            FailFastCore.Stop(FailFastKind.OutOfMemory, "firmware has no pages left; bytes requested:", minimum);

        // The tail of the previous chunk is abandoned: simpler than a free list, and at most one object's worth.
        // The first 8 bytes stay free: an object's header word sits just before its MethodTable pointer.
        s_cursor = (byte*)address + sizeof(ulong);
        s_chunkEnd = s_cursor + chunk;
        s_reserved += chunk;
    }

    private static void Zero(byte* p, ulong count)
    {
        ulong words = count / 8;
        ulong* w = (ulong*)p;
        for (ulong i = 0; i < words; i++)
            w[i] = 0;
        for (ulong i = words * 8; i < count; i++)
            p[i] = 0;
    }
}
