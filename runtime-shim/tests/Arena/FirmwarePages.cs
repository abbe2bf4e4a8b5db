using System.Collections.Generic;

namespace UefiRecovery.RuntimeShim.Tests.Arena;

/// <summary>
/// Stands in for BootServices.AllocatePages at the arena's boundary: hands out page runs at made-up,
/// page-aligned addresses (a gap between runs, so an overrun into the next run cannot look legal) and
/// remembers each run, so a test can ask which run an address belongs to.
/// </summary>
internal sealed class FirmwarePages
{
    private const ulong PageSize = 4096;
    private ulong _next;
    private readonly List<PageRun> _runs = new List<PageRun>();

    public FirmwarePages(ulong firstAddress = 0x10_0000)
    {
        _next = firstAddress;
    }

    public IReadOnlyList<PageRun> Runs => _runs;

    public ulong Allocate(ulong pages)
    {
        PageRun run = new PageRun(_next, pages * PageSize);
        _runs.Add(run);
        _next = run.End + 16 * PageSize;
        return run.Start;
    }
}

/// <summary>Pages [Start, End) the firmware gave the arena.</summary>
internal readonly struct PageRun
{
    public PageRun(ulong start, ulong bytes)
    {
        Start = start;
        End = start + bytes;
    }

    public ulong Start { get; }

    public ulong End { get; }

    public override string ToString() => "pages [0x" + Start.ToString("X") + ", 0x" + End.ToString("X") + ")";
}
