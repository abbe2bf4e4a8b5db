using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// Where the app's flash write sits in the traced reference recovery of one write mode, and the cut points chosen
/// from it (<see cref="PowerCutLab.Seed"/>). OVMF (<see cref="FromReference"/> for x64): 7 where the next boot must
/// recover (before the first write, three seeded among the other blocks' writes, just before block 0's erase, with
/// block 0's headers complete through State, before the very last write) and 3 inside block 0's erase-to-header
/// window, where OVMF 2022.11 faults before any app runs (the documented firmware limit). AAVMF: see
/// <see cref="FromAavmfReference"/>; every point must recover.
/// Indexes are 0-based positions in the vars-file write trace; a cut "before write i" is CutBeforeWrite = i + 1.
/// </summary>
public sealed class PowerCutPlan
{
    private static readonly Regex BlockBegin = new(@"^FLASH block=(?<block>\d+) action=(?<action>\S+) begin$");

    private PowerCutPlan(QemuArch arch, string writeMode, IReadOnlyList<FlashWrite> reference, int firstAppWrite, int headerErase, List<int> blocks,
        List<PowerCutPoint> points)
    {
        Arch = arch;
        WriteMode = writeMode;
        Reference = reference;
        FirstAppWrite = firstAppWrite;
        HeaderErase = headerErase;
        Blocks = blocks;
        Points = points;
    }

    public QemuArch Arch { get; }

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

    public static PowerCutPlan FromReference(QemuArch arch, string writeMode, IReadOnlyList<FlashWrite> writes, SerialLog serial, QemuExit exit, int seed)
    {
        if (arch == QemuArch.Arm64)
        {
            return FromAavmfReference(writeMode, writes, serial, exit, seed);
        }
        List<int> blocks = AppBlocks(serial, exit);

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
        return new PowerCutPlan(QemuArch.X64, writeMode, writes, first, headerErase, blocks, points);
    }

    /// <summary>AAVMF's erase block.</summary>
    public const int AavmfBlockSize = 0x40000;

    /// <summary>
    /// AAVMF (QEMU virt, 256 KiB blocks; QEMU writes each erase as one 256 KiB write and each program, word or 128-byte
    /// buffer, as one 4 KiB page write). Its NorFlashDxe programs an FVB Write of at most 128 bytes directly; a longer one
    /// reads the block, erases it and programs it again whole in 128-byte buffers (NorFlashWriteSingleBlock). So block 0's
    /// segment is: the app's erase, its header write (one program), then AAVMF's own erase of block 0 for the body's long
    /// Write and the body's buffers. The points: before the app's first write; each other block erased and nothing
    /// programmed; before block 0's erase; block 0 erased with nothing programmed; its headers programmed and nothing else;
    /// AAVMF's own erase of block 0 done and nothing programmed; the first buffer after it; one seeded among the rest; before
    /// the app's last write.
    /// </summary>
    private static PowerCutPlan FromAavmfReference(string writeMode, IReadOnlyList<FlashWrite> writes, SerialLog serial, QemuExit exit, int seed)
    {
        List<int> blocks = AppBlocks(serial, exit);
        const int size = AavmfBlockSize;
        int first = 0;
        while (first < writes.Count && !(writes[first].IsEraseOf(size) && writes[first].BlockOf(size) == blocks[0]))
        {
            first++;
        }
        BootAssert.True(first < writes.Count, exit, $"no erase of block {blocks[0]} (the app's first) in the reference trace");
        var appErases = new List<int>();
        var firmwareErases = new List<int>();
        int position = first;
        foreach (int block in blocks)
        {
            BootAssert.True(position < writes.Count && writes[position].IsEraseOf(size) && writes[position].BlockOf(size) == block, exit,
                $"write {position} is not the app's erase of block {block}");
            appErases.Add(position);
            position++;
            while (position < writes.Count && !(writes[position].IsEraseOf(size) && writes[position].BlockOf(size) != block))
            {
                BootAssert.True(writes[position].BlockOf(size) == block && writes[position].Offset + writes[position].Length <= (block + 1L) * size, exit,
                    $"write {position} ({writes[position]}) is not in block {block}'s segment of the app's write");
                if (writes[position].IsEraseOf(size))
                {
                    firmwareErases.Add(position);
                }
                position++;
            }
        }
        BootAssert.True(position == writes.Count, exit, $"writes after the app's last block: {writes.Count - position}");
        for (int i = 0; i < writes.Count; i++)
        {
            BootAssert.True(writes[i].Made, exit, $"reference write {i} was not made: {writes[i]}");
        }
        int headerErase = appErases[^1];
        BootAssert.True(firmwareErases.Count > 0 && firmwareErases[0] == headerErase + 2 && firmwareErases[^1] + 2 < writes.Count, exit,
            "block 0: the app's erase, its header program, then AAVMF's own erase for the body's long Write, then its buffers; AAVMF's erases at "
            + string.Join(",", firmwareErases));

        var points = new List<PowerCutPoint> { new("before the app's first write", first, true) };
        for (int b = 0; b < blocks.Count - 1; b++)
        {
            points.Add(new($"block {blocks[b]} erased by the app, nothing programmed", appErases[b] + 1, true, ErasedBlock: blocks[b]));
        }
        if (headerErase != first)
        {
            points.Add(new("before block 0's erase (every other block written)", headerErase, true));
        }
        points.Add(new("block 0 erased by the app, nothing programmed", headerErase + 1, true, ErasedBlock: 0));
        points.Add(new("block 0's headers programmed (one write), the body not", headerErase + 2, true));
        int again = firmwareErases[0];
        points.Add(new("block 0 erased again by AAVMF (the body's Write of more than 128 bytes), nothing programmed", again + 1, true, ErasedBlock: 0));
        points.Add(new("after AAVMF's erase, the first 128-byte buffer (the headers) programmed", again + 2, true));
        var random = new Random(seed + (writeMode == "all" ? 1 : 0));
        int from = again + 3;
        int seeded = from + random.Next(writes.Count - 1 - from);
        points.Add(new($"seeded, the body's buffers programmed up to write {seeded - first} of the app's {writes.Count - first}", seeded, true));
        points.Add(new("before the app's last write", writes.Count - 1, true));
        return new PowerCutPlan(QemuArch.Arm64, writeMode, writes, first, headerErase, blocks, points);
    }

    // The blocks the app wrote, in its order (its FLASH begin lines), each erased and programmed; block 0 last.
    private static List<int> AppBlocks(SerialLog serial, QemuExit exit)
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
        return blocks;
    }

    /// <summary>Bytes at the start of block 0 that OVMF 2022.11 checks before it boots: FV header (0x48) and store header through State (0x5D).</summary>
    public const int OvmfBootCriticalHeaderBytes = 0x5E;

    private const int BootCritical = OvmfBootCriticalHeaderBytes;

    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"write mode {WriteMode}: {Reference.Count} vars-file writes traced, before the app's write {FirstAppWrite}, the app's {AppWrites} ");
        text.Append(CultureInfo.InvariantCulture, $"(blocks {string.Join(",", Blocks)}); block 0 erased at write {HeaderErase - FirstAppWrite} of the app's");
        if (Arch == QemuArch.Arm64)
        {
            text.Append(CultureInfo.InvariantCulture, $", {AppWrites} writes in {1000 * (Reference[^1].Seconds - Reference[FirstAppWrite].Seconds):F1} ms traced\n");
            AppendPoints(text);
            return text.ToString();
        }
        text.Append("; ");
        text.Append(CultureInfo.InvariantCulture, $"no bootable header from its erase until {BootCritical} bytes later (writes {HeaderErase - FirstAppWrite}..{HeaderErase - FirstAppWrite + BootCritical})\n");
        if (Reference[HeaderErase].Seconds > 0)
        {
            // Under strace, which stops QEMU at every system call: an upper bound of the times without it.
            text.Append(CultureInfo.InvariantCulture,
                $"  traced times: the app's write {1000 * (Reference[^1].Seconds - Reference[FirstAppWrite].Seconds):F1} ms; block 0's erase to its header's State byte {1000 * (Reference[HeaderErase + BootCritical].Seconds - Reference[HeaderErase].Seconds):F2} ms\n");
        }
        AppendPoints(text);
        return text.ToString();
    }

    private static string Expected(PowerCutPoint p) =>
        !p.MustRecover ? "OVMF faults before the app (firmware limit)"
        : p.ErasedBlock == 0 ? "block 0 erased: AAVMF formats the region again and boots the app, which recovers"
        : "next boot recovers";

    private void AppendPoints(StringBuilder text)
    {
        for (int i = 0; i < Points.Count; i++)
        {
            PowerCutPoint p = Points[i];
            text.Append(CultureInfo.InvariantCulture, $"  point {i}: cut before trace write {p.WriteIndex} (app write {p.WriteIndex - FirstAppWrite}): {p.Name}; expected: {Expected(p)}\n");
        }
    }
}

/// <summary>
/// One cut: before trace write <see cref="WriteIndex"/> (0-based); whether the next boot must recover; the block the cut
/// leaves wholly erased, if the point is chosen for that (-1: none; checked on the flash after the cut).
/// </summary>
public sealed record PowerCutPoint(string Name, int WriteIndex, bool MustRecover, int ErasedBlock = -1);
