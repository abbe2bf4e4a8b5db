using System;
using System.Collections.Generic;
using System.IO;

namespace UefiRecovery.Agent.Efi;

/// <summary>
/// Finds the ESP: the kernel's partition numbering and geometry from /sys/block, the unique partition GUID
/// from the disk's own GPT (the HD() node needs it; sysfs does not carry it on every kernel), and the two
/// cross-checked. With <c>--esp NAME</c> that partition; otherwise the one partition whose GPT type is the
/// EFI system partition.
/// </summary>
internal sealed class EspLocator
{
    private readonly string _blockRoot;
    private readonly string _devRoot;

    public EspLocator(string blockRoot, string devRoot)
    {
        _blockRoot = blockRoot;
        _devRoot = devRoot;
    }

    public bool TryLocate(string? wantedName, out EspPartition? esp, out string error)
    {
        esp = null;
        error = "";
        if (!Directory.Exists(_blockRoot))
        {
            error = _blockRoot + " does not exist";
            return false;
        }
        var found = new List<EspPartition>();
        var problems = new List<string>();
        foreach (string diskDir in SortedDirectories(_blockRoot))
        {
            string disk = Path.GetFileName(diskDir);
            List<string> partitions = new List<string>();
            foreach (string partDir in SortedDirectories(diskDir))
            {
                if (File.Exists(Path.Combine(partDir, "partition")))
                {
                    partitions.Add(partDir);
                }
            }
            if (partitions.Count == 0 || (wantedName != null && !partitions.Exists(p => Path.GetFileName(p) == wantedName)))
            {
                continue;
            }
            int blockSize = ReadInt(Path.Combine(diskDir, "queue", "logical_block_size"), 512);
            if (!GptReader.TryRead(Path.Combine(_devRoot, disk), blockSize, out List<GptEntry> entries, out string gptError))
            {
                problems.Add(gptError);
                continue;
            }
            foreach (string partDir in partitions)
            {
                string name = Path.GetFileName(partDir);
                uint number = (uint)ReadInt(Path.Combine(partDir, "partition"), 0);
                GptEntry? entry = entries.Find(e => e.Number == number);
                bool wanted = wantedName != null ? name == wantedName : entry != null && entry.TypeGuid.Equals(EfiGuid.EspPartitionType);
                if (!wanted)
                {
                    continue;
                }
                if (entry == null)
                {
                    problems.Add(name + ": no GPT entry " + number + " on " + disk);
                    continue;
                }
                // sysfs counts 512-byte sectors whatever the logical block size; GPT counts logical blocks.
                long sectorsPerBlock = blockSize / 512;
                long start = ReadLong(Path.Combine(partDir, "start"));
                long size = ReadLong(Path.Combine(partDir, "size"));
                ulong blocks = entry.LastLba - entry.FirstLba + 1;
                if (start != (long)entry.FirstLba * sectorsPerBlock || size != (long)blocks * sectorsPerBlock)
                {
                    problems.Add(name + ": sysfs start/size " + start + "/" + size + " disagree with GPT entry " + number
                        + " (" + entry.FirstLba + ".." + entry.LastLba + ")");
                    continue;
                }
                found.Add(new EspPartition(disk, name, number, entry.FirstLba, blocks, entry.UniqueGuid));
            }
        }
        if (found.Count == 1)
        {
            esp = found[0];
            return true;
        }
        if (found.Count > 1)
        {
            error = found.Count + " EFI system partitions (" + string.Join(", ", found.ConvertAll(e => e.Name)) + "): name one with --esp";
            return false;
        }
        error = (wantedName != null ? "partition " + wantedName : "no EFI system partition") + " found"
            + (problems.Count > 0 ? ": " + string.Join("; ", problems) : "");
        return false;
    }

    private static string[] SortedDirectories(string path)
    {
        string[] dirs = Directory.GetDirectories(path);
        Array.Sort(dirs, StringComparer.Ordinal);
        return dirs;
    }

    private static int ReadInt(string path, int fallback)
    {
        return File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), out int value) ? value : fallback;
    }

    private static long ReadLong(string path)
    {
        return File.Exists(path) && long.TryParse(File.ReadAllText(path).Trim(), out long value) ? value : -1;
    }
}
