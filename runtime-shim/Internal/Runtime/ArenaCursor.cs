namespace Internal.Runtime;

/// <summary>
/// The arena's bump pointer and figures as plain 64-bit addresses, with no pointers and no firmware
/// calls: <c>Arena</c> runs it over pages from AllocatePages, and the host tests
/// (runtime-shim/tests/Arena) run this same file over made-up page addresses. It alone decides where
/// an allocation goes, so it alone keeps every allocation inside the pages of its chunk.
/// </summary>
/// <remarks>
/// A chunk of P pages at address A:
/// <code>
/// [A, A+8)                 the first object's header word (a header sits just before the address the
///                          allocator returns; every later object's header is the last word of the
///                          allocation before it)
/// [A+8, A+P*4096-8)        handed out in multiples of 8 bytes
/// [A+P*4096-8, A+P*4096)   guard word: Arena writes GuardValue there and checks it when it leaves the
///                          chunk, and the self-test checks it after filling a chunk to the last byte
/// </code>
/// </remarks>
internal struct ArenaCursor
{
    internal const ulong PageSize = 4096;

    /// <summary>Chunks are taken from the firmware in this size, or larger for a big single object.</summary>
    internal const ulong ChunkBytes = 1024 * 1024;

    internal const ulong Alignment = 8;

    /// <summary>The chunk's first word: the first object's header.</summary>
    internal const ulong HeaderBytes = 8;

    /// <summary>The chunk's last word: the guard.</summary>
    internal const ulong GuardBytes = 8;

    /// <summary>The guard word's value ("ARENAEND" in ASCII, read as a little-endian word).</summary>
    internal const ulong GuardValue = 0x444E_4541_4E45_5241;

    /// <summary>
    /// The largest request the arithmetic can carry: with it, rounding to 8 bytes, adding header and
    /// guard and rounding to pages stay below 2^64. A bigger request is <see cref="ArenaPlan.TooLarge"/>
    /// (no limit and no machine comes near it, so it can never be satisfied anyway).
    /// </summary>
    internal const ulong MaxRequest = ulong.MaxValue - 2 * PageSize + 1;

    private ulong _cursor;
    private ulong _end;
    private ulong _used;
    private ulong _reserved;

    /// <summary>Bytes handed out so far.</summary>
    internal readonly ulong Used => _used;

    /// <summary>Bytes of all the pages taken from the firmware (handed out, header and guard words, abandoned tails, the free rest).</summary>
    internal readonly ulong Reserved => _reserved;

    /// <summary>Bytes still free in the current chunk, up to its guard word.</summary>
    internal readonly ulong Remaining => _end - _cursor;

    /// <summary>
    /// Decides how a request of <paramref name="size"/> bytes is served, changing nothing:
    /// <paramref name="rounded"/> is what it takes from a chunk, <paramref name="pages"/> (for
    /// <see cref="ArenaPlan.NewChunk"/>) how many pages the new chunk needs.
    /// </summary>
    internal readonly ArenaPlan Plan(ulong size, ulong limit, out ulong rounded, out ulong pages)
    {
        rounded = 0;
        pages = 0;
        if (size > MaxRequest)
            return ArenaPlan.TooLarge;

        // A zero-byte request still gets a word of its own, so no two allocations share an address.
        rounded = size == 0 ? Alignment : (size + (Alignment - 1)) & ~(Alignment - 1);
        if (rounded <= _end - _cursor)
            return ArenaPlan.Fits;

        // Cannot wrap: rounded <= MaxRequest leaves two pages of room below 2^64.
        ulong needed = HeaderBytes + rounded + GuardBytes;
        if (needed < ChunkBytes)
            needed = ChunkBytes;
        pages = (needed + PageSize - 1) / PageSize;
        if (_reserved > limit || pages * PageSize > limit - _reserved)
        {
            pages = 0;
            return ArenaPlan.OverLimit;
        }
        return ArenaPlan.NewChunk;
    }

    /// <summary>
    /// Makes <paramref name="pages"/> pages at <paramref name="address"/> the current chunk. The tail of the
    /// previous chunk is abandoned: simpler than a free list, and small unless a big object forced the switch.
    /// False, with nothing changed, for a range that is not whole pages inside the address space.
    /// </summary>
    internal bool StartChunk(ulong address, ulong pages)
    {
        if (address == 0 || address % PageSize != 0 || pages == 0 || pages > (ulong.MaxValue - address) / PageSize)
            return false;
        ulong bytes = pages * PageSize;
        _cursor = address + HeaderBytes;
        _end = address + bytes - GuardBytes;
        _reserved += bytes;
        return true;
    }

    /// <summary>Hands out <paramref name="rounded"/> bytes of the current chunk; 0, with nothing changed, when they do not fit.</summary>
    internal ulong Take(ulong rounded)
    {
        if (rounded == 0 || rounded > _end - _cursor)
            return 0;
        ulong at = _cursor;
        _cursor += rounded;
        _used += rounded;
        return at;
    }
}
