using System;
using System.Collections.Generic;

namespace UefiRecovery.Testbed.Firmware;

/// <summary>Two images of a firmware region compared block by block (OVMF's 4 KiB erase blocks unless told), for failure messages and logs.</summary>
public static class FlashBlocks
{
    public const int Size = 4096;

    /// <summary>
    /// The blocks of <paramref name="blockSize"/> bytes (OVMF's 4 KiB unless given) in which <paramref name="a"/> and
    /// <paramref name="b"/> differ, as "0,1,96", or "none" (whole blocks of the shorter one).
    /// </summary>
    public static string Differing(byte[] a, byte[] b, int blockSize = Size)
    {
        var blocks = new List<int>();
        for (int block = 0; (block + 1) * blockSize <= Math.Min(a.Length, b.Length); block++)
        {
            if (!a.AsSpan(block * blockSize, blockSize).SequenceEqual(b.AsSpan(block * blockSize, blockSize)))
            {
                blocks.Add(block);
            }
        }
        return blocks.Count == 0 ? "none" : string.Join(",", blocks);
    }
}
