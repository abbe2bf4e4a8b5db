using Internal.Runtime;

namespace UefiRecovery.Efi.Modes.SelfTest;

/// <summary>
/// The arena's bounds in real firmware (issue #11): allocations that end exactly at a chunk's end must
/// leave the guard word in the chunk's last word intact. Runs last: it takes an exactly-one-chunk object
/// (a chunk of its own, about 1 MiB) and fills that chunk's rest, so the SELFTEST ARENA figures include
/// about 1 MiB of used and 3 MiB of reserved bytes from here.
/// </summary>
internal static unsafe class ArenaGuardChecks
{
    // Kept reachable (and off the stack: .NET 10 stack-allocates small non-escaping arrays).
    private static object? s_exactChunk;
    private static object? s_rest;

    public static void Run(ISelfTestSink sink)
    {
        // Nothing may allocate between an allocation and its figures: the sink's interface calls allocate
        // a dispatch record on first use. So every figure is taken first and checked at the end.
        ulong arrayBase = MethodTable.Of<byte[]>()->BaseSize;
        ulong leftGuard = EfiRuntime.ArenaGuardAddress;

        // Exactly one chunk: before the fix it got exactly 256 pages and its last word lay past them.
        byte[] exact = new byte[(int)(EfiRuntime.ArenaChunkBytes - arrayBase)];
        s_exactChunk = exact;
        ulong guard = EfiRuntime.ArenaGuardAddress;
        bool exactGuardIntact = EfiRuntime.ArenaGuardIntact(guard);
        ulong exactEnd = AllocationEnd(exact, arrayBase);

        // The rest of that chunk, to its last byte: the last allocation of a chunk.
        ulong remaining = EfiRuntime.ArenaChunkRemaining;
        bool fillable = remaining >= arrayBase && remaining - arrayBase <= int.MaxValue;
        byte[] rest = new byte[fillable ? (int)(remaining - arrayBase) : 0];
        s_rest = rest;
        ulong restGuard = EfiRuntime.ArenaGuardAddress;
        ulong remainingAfter = EfiRuntime.ArenaChunkRemaining;
        bool restGuardIntact = EfiRuntime.ArenaGuardIntact(guard);
        ulong restEnd = AllocationEnd(rest, arrayBase);

        sink.Check("runtime.arena-exact-chunk-inside-pages",
            leftGuard != 0 && guard != leftGuard && (guard + sizeof(ulong)) % 4096 == 0 &&
            exactEnd != 0 && exactEnd <= guard && exactGuardIntact);
        sink.Check("runtime.arena-chunk-filled-to-guard",
            fillable && restGuard == guard && remainingAfter == 0 && restEnd == guard && restGuardIntact);
        // The arena also checks a chunk's guard when it leaves the chunk (a fail-fast if broken).
        sink.Check("runtime.arena-left-chunk-guard-intact", EfiRuntime.ArenaGuardIntact(leftGuard));
    }

    /// <summary>
    /// One past the array's allocation: its elements start after the MethodTable pointer and the length
    /// (base size less the header word, which belongs to the word before), and the allocator took
    /// base size + length, rounded to 8 (AllocationHelpers.NewArray). 0 for an empty array.
    /// </summary>
    private static ulong AllocationEnd(byte[] array, ulong arrayBase)
    {
        if (array.Length == 0)
            return 0;
        fixed (byte* elements = array)
        {
            ulong start = (ulong)elements - (arrayBase - sizeof(ulong));
            return start + ((arrayBase + (ulong)array.Length + 7) & ~7UL);
        }
    }
}
