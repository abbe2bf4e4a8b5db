using System;
using Internal.Runtime;
using Xunit;

namespace UefiRecovery.RuntimeShim.Tests.Arena;

/// <summary>
/// The arena's bounds (issue #11): runs runtime-shim's own ArenaCursor (the file is compiled into this
/// project) over <see cref="FirmwarePages"/>, the way Arena.Allocate runs it over AllocatePages, and
/// checks that every allocation lies inside its chunk's pages: after the chunk's first word (the first
/// object's header) and before its last word (the guard word Arena writes there).
/// </summary>
public sealed class ArenaCursorTests
{
    private const ulong Page = ArenaCursor.PageSize;
    private const ulong Chunk = ArenaCursor.ChunkBytes;
    private const ulong DefaultLimit = 512UL * 1024 * 1024;

    public static TheoryData<string, ulong> PageMultipleSizes() => new TheoryData<string, ulong>
    {
        { "exactly one chunk", Chunk },
        { "two chunks", 2 * Chunk },
        { "300 pages", 300 * Page },
        { "64 MiB (the out-of-memory trigger's block)", 64UL * 1024 * 1024 },
    };

    [Theory]
    [MemberData(nameof(PageMultipleSizes))]
    public void Allocate_PageMultipleSize_StaysInsideItsPagesBeforeTheGuard(string name, ulong size)
    {
        ArenaCursor cursor = default;
        FirmwarePages firmware = new FirmwarePages();

        Allocation a = Allocate(ref cursor, firmware, size);

        AssertInsideChunk(a, name);
        Assert.True(a.Bytes >= size, name);
    }

    public static TheoryData<string, ulong> FillSizes() => new TheoryData<string, ulong>
    {
        { "8-byte records", 8 },
        { "empty byte[] (24 bytes)", 24 },
        { "dispatch records (32 bytes)", 32 },
        { "1000 bytes (not a divisor of the chunk)", 1000 },
        { "one page", Page },
        { "one page and a word", Page + 8 },
        { "64 KiB", 64 * 1024 },
        { "half a chunk", Chunk / 2 },
    };

    [Theory]
    [MemberData(nameof(FillSizes))]
    public void Allocate_UntilTheChunkIsFull_LastAllocationEndsBeforeTheGuard(string name, ulong size)
    {
        ArenaCursor cursor = default;
        FirmwarePages firmware = new FirmwarePages();
        Allocation last = Allocate(ref cursor, firmware, size);

        while (cursor.Plan(size, DefaultLimit, out _, out _) == ArenaPlan.Fits)
        {
            last = Allocate(ref cursor, firmware, size);
            AssertInsideChunk(last, name);
        }

        Assert.Single(firmware.Runs);
        AssertInsideChunk(last, name);
        Assert.True(cursor.Remaining < size, name + ": stopped with room left");
    }

    [Theory]
    [MemberData(nameof(FillSizes))]
    public void Allocate_ExactlyTheRemainder_EndsAtTheGuardWord(string name, ulong firstSize)
    {
        ArenaCursor cursor = default;
        FirmwarePages firmware = new FirmwarePages();
        Allocate(ref cursor, firmware, firstSize);

        Allocation rest = Allocate(ref cursor, firmware, cursor.Remaining);

        Assert.Single(firmware.Runs);
        AssertInsideChunk(rest, name);
        Assert.Equal(rest.Run.End - ArenaCursor.GuardBytes, rest.End);
        Assert.Equal(0UL, cursor.Remaining);
    }

    public static TheoryData<string, ulong, ulong> SizesAroundAChunk() => new TheoryData<string, ulong, ulong>
    {
        // name, request, pages the new chunk must have (the fewest that hold header word + request + guard word)
        { "0 bytes (served as one word)", 0, 256 },
        { "1 byte", 1, 256 },
        { "chunk less header and guard: the largest standard chunk object", Chunk - 16, 256 },
        { "one byte more", Chunk - 15, 257 },
        { "chunk less a word", Chunk - 8, 257 },
        { "exactly a chunk", Chunk, 257 },
        { "a chunk and a byte", Chunk + 1, 257 },
        { "a chunk and a page less header and guard", Chunk + Page - 16, 257 },
        { "a chunk and a page less a word", Chunk + Page - 8, 258 },
        { "two chunks less header and guard", 2 * Chunk - 16, 512 },
        { "exactly two chunks", 2 * Chunk, 513 },
    };

    [Theory]
    [MemberData(nameof(SizesAroundAChunk))]
    public void Plan_SizeAroundAChunk_FewestPagesThatHoldHeaderRequestAndGuard(string name, ulong size, ulong expectedPages)
    {
        ArenaCursor cursor = default;
        FirmwarePages firmware = new FirmwarePages();

        ArenaPlan plan = cursor.Plan(size, DefaultLimit, out _, out ulong pages);
        Allocation a = Allocate(ref cursor, firmware, size);

        Assert.Equal(ArenaPlan.NewChunk, plan);
        Assert.Equal(expectedPages, pages);
        AssertInsideChunk(a, name);
    }

    [Fact]
    public void Allocate_BigObjectAfterSmallOnes_NewChunkHoldsItAndTheOldOneWasNotOverrun()
    {
        ArenaCursor cursor = default;
        FirmwarePages firmware = new FirmwarePages();
        Allocation small = Allocate(ref cursor, firmware, 24);

        Allocation big = Allocate(ref cursor, firmware, Chunk);
        Allocation after = Allocate(ref cursor, firmware, cursor.Remaining);

        Assert.Equal(2, firmware.Runs.Count);
        AssertInsideChunk(small, "small");
        AssertInsideChunk(big, "big");
        AssertInsideChunk(after, "the rest of the big object's chunk");
        Assert.Equal(big.Run.Start, after.Run.Start);
        Assert.Equal(small.Bytes + big.Bytes + after.Bytes, cursor.Used);
        Assert.Equal(Chunk + 257 * Page, cursor.Reserved);
    }

    [Fact]
    public void Allocate_SeededMixOfSizes_EveryAllocationInsideItsChunkAndNoneOverlap()
    {
        ArenaCursor cursor = default;
        FirmwarePages firmware = new FirmwarePages();
        Random random = new Random(11);
        Allocation previous = default;
        ulong used = 0;

        for (int i = 0; i < 20000; i++)
        {
            int pick = random.Next(100);
            ulong size = pick < 90 ? (ulong)random.Next(0, 300)
                : pick < 99 ? (ulong)random.Next(0, 70000)
                : (ulong)random.Next(1, 5) * Chunk - (ulong)random.Next(0, 24);
            Allocation a = Allocate(ref cursor, firmware, size, limit: ulong.MaxValue);
            used += a.Bytes;

            AssertInsideChunk(a, "allocation " + i + " of " + size + " bytes");
            Assert.True(a.Run.Start != previous.Run.Start || a.At >= previous.End, "allocation " + i + " overlaps the one before");
            previous = a;
        }

        Assert.Equal(used, cursor.Used);
        ulong reserved = 0;
        foreach (PageRun run in firmware.Runs)
            reserved += run.End - run.Start;
        Assert.Equal(reserved, cursor.Reserved);
    }

    public static TheoryData<string, ulong> HugeSizes() => new TheoryData<string, ulong>
    {
        { "2^64 - 1", ulong.MaxValue },
        { "2^64 - 8 (rounds without wrapping, pages would wrap)", ulong.MaxValue - 7 },
        { "2^64 - one page", ulong.MaxValue - (Page - 1) },
        { "one past the largest request", ArenaCursor.MaxRequest + 1 },
    };

    [Theory]
    [MemberData(nameof(HugeSizes))]
    public void Plan_SizeNearTwoToThe64_TooLargeAndNothingChanged(string name, ulong size)
    {
        ArenaCursor cursor = default;
        FirmwarePages firmware = new FirmwarePages();
        Allocate(ref cursor, firmware, 40);
        ArenaCursor before = cursor;

        ArenaPlan plan = cursor.Plan(size, ulong.MaxValue, out _, out _);

        Assert.True(plan == ArenaPlan.TooLarge, name + ": " + plan);
        Assert.Equal(before, cursor);
        Assert.Single(firmware.Runs);
    }

    [Fact]
    public void Plan_LargestRequestWithoutLimit_PagesHoldItWithoutWrapping()
    {
        ArenaCursor cursor = default;

        ArenaPlan plan = cursor.Plan(ArenaCursor.MaxRequest, ulong.MaxValue, out ulong rounded, out ulong pages);

        Assert.Equal(ArenaPlan.NewChunk, plan);
        Assert.Equal(ArenaCursor.MaxRequest, rounded);
        ulong bytes = checked(pages * Page);
        Assert.True(bytes >= checked(ArenaCursor.HeaderBytes + rounded + ArenaCursor.GuardBytes), "pages do not hold the request: " + pages);
        Assert.True(bytes - Page < ArenaCursor.HeaderBytes + rounded + ArenaCursor.GuardBytes, "more pages than needed: " + pages);
    }

    public static TheoryData<string, ulong, ulong> OverLimitCases() => new TheoryData<string, ulong, ulong>
    {
        // name, limit, refused request (after one 24-byte allocation has taken a standard chunk)
        { "request fills the room left, header and guard do not fit", DefaultLimit, DefaultLimit - Chunk },
        { "limit reached by the first chunk", Chunk, Chunk },
        { "limit lowered below what is reserved", Chunk / 2, Chunk },
        { "request larger than a limit just below 2^64", ulong.MaxValue - Page, ArenaCursor.MaxRequest },
    };

    [Theory]
    [MemberData(nameof(OverLimitCases))]
    public void Plan_PastTheLimit_OverLimitAndNothingChanged(string name, ulong limit, ulong size)
    {
        ArenaCursor cursor = default;
        FirmwarePages firmware = new FirmwarePages();
        Allocate(ref cursor, firmware, 24, limit: Chunk);
        ArenaCursor before = cursor;

        ArenaPlan plan = cursor.Plan(size, limit, out _, out _);

        Assert.True(plan == ArenaPlan.OverLimit, name + ": " + plan);
        Assert.Equal(before, cursor);
    }

    [Fact]
    public void Plan_LimitZeroBeforeAnyChunk_OverLimit()
    {
        ArenaCursor cursor = default;

        ArenaPlan plan = cursor.Plan(8, 0, out _, out _);

        Assert.Equal(ArenaPlan.OverLimit, plan);
        Assert.Equal(0UL, cursor.Reserved);
    }

    public static TheoryData<string, ulong, ulong> UnusableRanges() => new TheoryData<string, ulong, ulong>
    {
        // name, address, pages
        { "address 0", 0, 256 },
        { "no pages", 0x10_0000, 0 },
        { "address not on a page", 0x10_0008, 256 },
        { "range wraps past 2^64", ulong.MaxValue - Page + 1, 2 },
        { "page count wraps the byte count", 0x10_0000, ulong.MaxValue / Page + 1 },
    };

    [Theory]
    [MemberData(nameof(UnusableRanges))]
    public void StartChunk_UnusableRange_FalseAndNothingChanged(string name, ulong address, ulong pages)
    {
        ArenaCursor cursor = default;
        FirmwarePages firmware = new FirmwarePages();
        Allocate(ref cursor, firmware, 24);
        ArenaCursor before = cursor;

        bool started = cursor.StartChunk(address, pages);

        Assert.False(started, name);
        Assert.Equal(before, cursor);
    }

    [Fact]
    public void Take_MoreThanRemains_ZeroAndNothingChanged()
    {
        ArenaCursor cursor = default;
        FirmwarePages firmware = new FirmwarePages();
        Allocate(ref cursor, firmware, 24);
        ArenaCursor before = cursor;

        ulong at = cursor.Take(cursor.Remaining + 8);

        Assert.Equal(0UL, at);
        Assert.Equal(before, cursor);
    }

    [Fact]
    public void Allocate_ZeroBytesTwice_DistinctNonNullAddresses()
    {
        ArenaCursor cursor = default;
        FirmwarePages firmware = new FirmwarePages();

        Allocation first = Allocate(ref cursor, firmware, 0);
        Allocation second = Allocate(ref cursor, firmware, 0);

        Assert.NotEqual(0UL, first.At);
        Assert.NotEqual(first.At, second.At);
        AssertInsideChunk(first, "first");
        AssertInsideChunk(second, "second");
    }

    /// <summary>What Arena.Allocate does around the cursor: plan, take pages when told to, hand out.</summary>
    private static Allocation Allocate(ref ArenaCursor cursor, FirmwarePages firmware, ulong size, ulong limit = DefaultLimit)
    {
        ArenaPlan plan = cursor.Plan(size, limit, out ulong rounded, out ulong pages);
        Assert.True(plan == ArenaPlan.Fits || plan == ArenaPlan.NewChunk, size + " bytes: " + plan);
        if (plan == ArenaPlan.NewChunk)
            Assert.True(cursor.StartChunk(firmware.Allocate(pages), pages), "StartChunk refused the firmware's pages");
        ulong at = cursor.Take(rounded);
        Assert.True(at != 0, size + " bytes: Take refused what Plan allowed");
        Assert.True(rounded >= size && rounded % ArenaCursor.Alignment == 0 && at % ArenaCursor.Alignment == 0, size + " bytes: misaligned");
        return new Allocation(at, rounded, firmware.Runs[firmware.Runs.Count - 1]);
    }

    private static void AssertInsideChunk(Allocation a, string what)
    {
        string where = what + ": [0x" + a.At.ToString("X") + ", 0x" + a.End.ToString("X") + ") in " + a.Run;
        Assert.True(a.At >= a.Run.Start + ArenaCursor.HeaderBytes, where + " leaves no room for the object's header word");
        Assert.True(a.End <= a.Run.End, where + " ends past the pages");
        Assert.True(a.End <= a.Run.End - ArenaCursor.GuardBytes, where + " covers the guard word");
    }

    private readonly struct Allocation
    {
        public Allocation(ulong at, ulong bytes, PageRun run)
        {
            At = at;
            Bytes = bytes;
            Run = run;
        }

        public ulong At { get; }

        public ulong Bytes { get; }

        public ulong End => At + Bytes;

        public PageRun Run { get; }
    }
}
