using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// Where the app's flash write sits in the traced reference recovery of one write mode, and the ten cut
/// points chosen from it (<see cref="PowerCutLab.Seed"/>): 7 where the next boot must recover (before the
/// first write, three seeded among the other blocks' writes, just before block 0's erase, with block 0's
/// headers complete through State, before the very last write) and 3 inside block 0's erase-to-header
/// window, where OVMF 2022.11 faults before any app runs (the documented firmware limit).
/// Indexes are 0-based positions in the vars-file write trace; a cut "before write i" is CutBeforeWrite = i + 1.
/// </summary>
public sealed class PowerCutPlan
{
    private static readonly Regex BlockBegin = new(@"^FLASH block=(?<block>\d+) action=(?<action>\S+) begin$");

    private PowerCutPlan(string writeMode, IReadOnlyList<FlashWrite> reference, int firstAppWrite, int headerErase, List<int> blocks,
        List<PowerCutPoint> points)
    {
        WriteMode = writeMode;
        Reference = reference;
        FirstAppWrite = firstAppWrite;
        HeaderErase = headerErase;
        Blocks = blocks;
        Points = points;
    }

    public string WriteMode { get; }

    /// <summary>Every vars-file write of the reference boot from strace's attach on (OVMF's own, if any, then the app's).</summary>
    public IReadOnlyList<FlashWrite> Reference { get; }

    /// <summary>Index of the app's first write (an erase).</summary>
    public int FirstAppWrite { get; }

    /// <summary>Index of block 0's erase; its header bytes are the writes after it.</summary>
    public int HeaderErase { get; }

    /// <summary>The blocks the app wrote, in its order (its FLASH begin lines).</summary>
    public IReadOnlyList<int> Blocks { get; }

    public IReadOnlyList<PowerCutPoint> Points { get; }

    public int AppWrites => Reference.Count - FirstAppWrite;

    public static PowerCutPlan FromReference(string writeMode, IReadOnlyList<FlashWrite> writes, SerialLog serial, QemuExit exit, int seed)
    {
        var blocks = new List<int>();
        foreach (SerialLine line in serial.Lines)
        {
            Match match = BlockBegin.Match(line.Text);
            if (!match.Success)
            {
                continue;
            }
            BootAssert.True(match.Groups["action"].Value == "erase-program", exit,
                "every block of the reference write is erased and programmed (this setup's assumption): " + line.Text);
            blocks.Add(int.Parse(match.Groups["block"].Value, CultureInfo.InvariantCulture));
        }
        BootAssert.True(blocks.Count > 0 && blocks[^1] == 0, exit, "the reference write ends with block 0: " + string.Join(",", blocks));

        // From the end of the trace back: each block's segment is its writes, starting with its erase.
        int position = writes.Count - 1;
        int headerErase = -1;
        for (int b = blocks.Count - 1; b >= 0; b--)
        {
            int block = blocks[b];
            while (position >= 0 && !(writes[position].IsErase && writes[position].Block == block))
            {
                BootAssert.True(writes[position].Block == block && !writes[position].IsErase, exit,
                    $"write {position} ({writes[position]}) is not in block {block}'s segment of the app's write");
                position--;
            }
            BootAssert.True(position >= 0, exit, $"no erase of block {block} in the reference trace");
            if (block == 0)
            {
                headerErase = position;
            }
            position--;
        }
        int first = position + 1;
        for (int i = 0; i < writes.Count; i++)
        {
            BootAssert.True(writes[i].Made, exit, $"reference write {i} was not made: {writes[i]}");
        }
        BootAssert.True(headerErase + BootCritical + 1 < writes.Count, exit, "block 0's header writes are in the trace");

        var random = new Random(seed + (writeMode == "all" ? 1 : 0));
        var points = new List<PowerCutPoint>
        {
            new("before the app's first write", first, true),
        };
        // Three seeded cuts among the other blocks' erases and writes (after the first, before block 0's erase).
        var chosen = new SortedSet<int>();
        int span = headerErase - (first + 1);
        while (chosen.Count < Math.Min(3, span))
        {
            chosen.Add(first + 1 + random.Next(span));
        }
        foreach (int index in chosen)
        {
            FlashWrite w = writes[index];
            points.Add(new($"seeded, before write {index - first} of the app's {writes.Count - first} ({(w.IsErase ? "erase" : "program")} in block {w.Block})", index, true));
        }
        points.Add(new("before block 0's erase", headerErase, true));
        int middle = 1 + random.Next(BootCritical - 2);
        points.Add(new("block 0 erased, no header byte programmed", headerErase + 1, false));
        points.Add(new($"block 0 erased, {middle} header bytes programmed (seeded)", headerErase + 1 + middle, false));
        points.Add(new($"block 0 erased, {BootCritical - 1} header bytes programmed (all but the store header's State)", headerErase + BootCritical, false));
        points.Add(new($"block 0 erased, {BootCritical} header bytes programmed (through State)", headerErase + 1 + BootCritical, true));
        points.Add(new("before the app's last write", writes.Count - 1, true));
        return new PowerCutPlan(writeMode, writes, first, headerErase, blocks, points);
    }

    private const int BootCritical = PowerCutLab.BootCriticalHeaderBytes;

    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"write mode {WriteMode}: {Reference.Count} vars-file writes traced, before the app's write {FirstAppWrite}, the app's {AppWrites} ");
        text.Append(CultureInfo.InvariantCulture, $"(blocks {string.Join(",", Blocks)}); block 0 erased at write {HeaderErase - FirstAppWrite} of the app's; ");
        text.Append(CultureInfo.InvariantCulture, $"no bootable header from its erase until {BootCritical} bytes later (writes {HeaderErase - FirstAppWrite}..{HeaderErase - FirstAppWrite + BootCritical})\n");
        if (Reference[HeaderErase].Seconds > 0)
        {
            // Under strace, which stops QEMU at every system call: an upper bound of the times without it.
            text.Append(CultureInfo.InvariantCulture,
                $"  traced times: the app's write {1000 * (Reference[^1].Seconds - Reference[FirstAppWrite].Seconds):F1} ms; block 0's erase to its header's State byte {1000 * (Reference[HeaderErase + BootCritical].Seconds - Reference[HeaderErase].Seconds):F2} ms\n");
        }
        for (int i = 0; i < Points.Count; i++)
        {
            PowerCutPoint p = Points[i];
            text.Append(CultureInfo.InvariantCulture, $"  point {i}: cut before trace write {p.WriteIndex} (app write {p.WriteIndex - FirstAppWrite}): {p.Name}; expected: {(p.MustRecover ? "next boot recovers" : "OVMF faults before the app (firmware limit)")}\n");
        }
        return text.ToString();
    }
}

/// <summary>One cut: before trace write <see cref="WriteIndex"/> (0-based); whether the next boot must recover.</summary>
public sealed record PowerCutPoint(string Name, int WriteIndex, bool MustRecover);
