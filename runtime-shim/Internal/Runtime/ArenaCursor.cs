namespace Internal.Runtime;

/// <summary>
/// The arena's bump pointer and figures as plain 64-bit addresses, with no pointers and no firmware
/// calls: <see cref="Arena"/> runs it over pages from AllocatePages, and the host tests run this same
/// file over made-up page addresses.
/// </summary>
internal struct ArenaCursor
{
    internal const ulong PageSize = 4096;

    /// <summary>Chunks are taken from the firmware in this size, or larger for a big single object.</summary>
    internal const ulong ChunkBytes = 1024 * 1024;

    internal const ulong Alignment = 8;

    /// <summary>The first word of a chunk stays free: an object's header word sits just before its MethodTable pointer.</summary>
    internal const ulong HeaderBytes = 8;

    private ulong _cursor;
    private ulong _end;
    private ulong _used;
    private ulong _reserved;

    /// <summary>Bytes handed out so far.</summary>
    internal readonly ulong Used => _used;

    /// <summary>Bytes of the pages taken from the firmware.</summary>
    internal readonly ulong Reserved => _reserved;

    /// <summary>Bytes still free in the current chunk.</summary>
    internal readonly ulong Remaining => _end - _cursor;

    /// <summary>
    /// Decides how a request of <paramref name="size"/> bytes is served without changing anything:
    /// <paramref name="rounded"/> is what it takes, <paramref name="pages"/> what a new chunk needs.
    /// </summary>
    internal readonly ArenaPlan Plan(ulong size, ulong limit, out ulong rounded, out ulong pages)
    {
        pages = 0;
        rounded = (size + (Alignment - 1)) & ~(Alignment - 1);
        if (rounded < size)
            return ArenaPlan.TooLarge;
        if (rounded <= _end - _cursor)
            return ArenaPlan.Fits;

        ulong bytes = rounded > ChunkBytes ? rounded : ChunkBytes;
        pages = (bytes + PageSize - 1) / PageSize;
        ulong chunk = pages * PageSize;
        if (chunk > limit - _reserved || limit < _reserved)
            return ArenaPlan.OverLimit;
        return ArenaPlan.NewChunk;
    }

    /// <summary>Makes <paramref name="pages"/> pages at <paramref name="address"/> the current chunk; false (nothing changed) for an unusable range.</summary>
    internal bool StartChunk(ulong address, ulong pages)
    {
        if (address == 0)
            return false;
        // The tail of the previous chunk is abandoned: simpler than a free list, and at most one object's worth.
        ulong chunk = pages * PageSize;
        _cursor = address + HeaderBytes;
        _end = _cursor + chunk;
        _reserved += chunk;
        return true;
    }

    /// <summary>Hands out <paramref name="rounded"/> bytes of the current chunk; 0 (nothing changed) when they do not fit.</summary>
    internal ulong Take(ulong rounded)
    {
        if (rounded > _end - _cursor)
            return 0;
        ulong at = _cursor;
        _cursor += rounded;
        _used += rounded;
        return at;
    }
}
