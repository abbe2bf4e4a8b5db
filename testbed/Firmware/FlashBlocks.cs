using System;
using System.Collections.Generic;

namespace UefiRecovery.Testbed.Firmware;

/// <summary>Two images of OVMF's NV region compared block by block (4 KiB erase blocks), for failure messages and logs.</summary>
public static class FlashBlocks
{
    public const int Size = 4096;

    /// <summary>The blocks in which <paramref name="a"/> and <paramref name="b"/> differ, as "0,1,96", or "none" (whole blocks of the shorter one).</summary>
    public static string Differing(byte[] a, byte[] b)
    {
        var blocks = new List<int>();
        for (int block = 0; (block + 1) * Size <= Math.Min(a.Length, b.Length); block++)
        {
            if (!a.AsSpan(block * Size, Size).SequenceEqual(b.AsSpan(block * Size, Size)))
            {
                blocks.Add(block);
            }
        }
        return blocks.Count == 0 ? "none" : string.Join(",", blocks);
    }
}
