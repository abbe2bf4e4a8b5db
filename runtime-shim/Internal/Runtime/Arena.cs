using System.Runtime.CompilerServices;
using Internal.Runtime.Platform;

namespace Internal.Runtime;

/// <summary>
/// The only heap: a bump allocator over pages from BootServices.AllocatePages. There is no GC and no
/// free, so every object lives until the machine stops; that is why the portable code allocates once at
/// setup. Memory is handed out zeroed. When the firmware has no pages left, or the configured limit
/// would be passed, allocation is a fail-fast (OutOfMemory) that names the request size.
/// Where each allocation goes is <see cref="ArenaCursor"/>'s arithmetic (host-tested); this class adds
/// the firmware calls, the zeroing and the guard word at the end of every chunk.
/// </summary>
internal static unsafe class Arena
{
    private static ArenaCursor s_cursor;
    private static ulong s_limit = 512UL * 1024 * 1024;

    // The current chunk's guard word: the last word of its pages, placed from the page count given to the
    // firmware (not from the cursor's arithmetic), so an allocation that overruns the chunk overwrites it.
    private static ulong* s_guard;

    // The counters are read through calls the JIT cannot see into: it assumes allocation helpers leave
    // managed statics alone, and would otherwise reuse a value read before an allocation after it.

    /// <summary>Bytes handed out to objects so far.</summary>
    internal static ulong Used
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        get => s_cursor.Used;
    }

    /// <summary>
    /// The most bytes ever in use. Nothing is freed, so it equals <see cref="Used"/>; it is kept as its own
    /// figure so reports stay right if a scoped reset is ever added.
    /// </summary>
    internal static ulong HighWater
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        get => s_cursor.Used;
    }

    /// <summary>Bytes of the pages taken from the firmware (used, plus each chunk's header and guard words and unused tail).</summary>
    internal static ulong Reserved
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        get => s_cursor.Reserved;
    }

    /// <summary>Upper bound on <see cref="Reserved"/>; reaching it is out of memory even if the firmware has more.</summary>
    internal static ulong Limit
    {
        get => s_limit;
        set => s_limit = value;
    }

    /// <summary>Bytes the current chunk can still hand out (up to its guard word).</summary>
    internal static ulong ChunkRemaining
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        get => s_cursor.Remaining;
    }

    /// <summary>Address of the current chunk's guard word (its pages' last word); 0 before the first allocation.</summary>
    internal static ulong GuardAddress
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        get => (ulong)s_guard;
    }

    /// <summary>True when the guard word at <paramref name="address"/> (a <see cref="GuardAddress"/>) still holds its value.</summary>
    internal static bool GuardIntact(ulong address) => address != 0 && *(ulong*)address == ArenaCursor.GuardValue;

    /// <summary>Returns <paramref name="size"/> zeroed bytes, 8-byte aligned. Never returns null.</summary>
    internal static void* Allocate(ulong size)
    {
        ArenaPlan plan = s_cursor.Plan(size, s_limit, out ulong rounded, out ulong pages);
        if (plan == ArenaPlan.TooLarge)
            FailFastCore.Stop(FailFastKind.OutOfMemory, "allocation larger than the address space; bytes requested:", size);
        if (plan == ArenaPlan.OverLimit)
            FailFastCore.Stop(FailFastKind.OutOfMemory, "arena limit reached; bytes requested:", size);
        if (plan == ArenaPlan.NewChunk)
            NewChunk(pages, size);

        byte* result = (byte*)s_cursor.Take(rounded);
        if (result == null)
            FailFastCore.Stop(FailFastKind.Explicit, "arena: a planned allocation does not fit its chunk; bytes:", size);
        Zero(result, rounded);
        return result;
    }

    private static void NewChunk(ulong pages, ulong size)
    {
        EfiSystemTable* st = EfiRuntime.SystemTablePointer;
        if (st == null)
            FailFastCore.Stop(FailFastKind.OutOfMemory, "allocation before the runtime was initialized; bytes:", size);

        // Leaving a chunk: its guard word must have survived everything written into the chunk.
        if (s_guard != null && *s_guard != ArenaCursor.GuardValue)
            FailFastCore.Stop(FailFastKind.Explicit, "arena: the guard word after a chunk's last object was overwritten; at:", (ulong)s_guard);

        ulong address = 0;
        nuint status = st->BootServices->AllocatePages(EfiMemory.AllocateAnyPages, EfiMemory.LoaderData, (nuint)pages, &address);
        if (status != 0)
            FailFastCore.Stop(FailFastKind.OutOfMemory, "firmware has no pages left; bytes requested:", size);
        if (!s_cursor.StartChunk(address, pages))
            FailFastCore.Stop(FailFastKind.OutOfMemory, "firmware returned unusable pages; address:", address);

        s_guard = (ulong*)(address + pages * EfiMemory.PageSize) - 1;
        *s_guard = ArenaCursor.GuardValue;
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
