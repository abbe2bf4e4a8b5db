namespace UefiRecovery.Testbed.Qemu;

/// <summary>
/// One write QEMU made (or, when cut, was about to make) to the vars file: <see cref="Offset"/> and
/// <see cref="Length"/> as passed to pwrite64. An erase is one block-aligned write of a whole 4 KiB block;
/// a byte program is a 512-byte write of the sector holding the byte (QEMU 7.2 pflash_update).
/// <see cref="Seconds"/>: when the call was made (Unix time from strace -ttt; 0 when the log has none).
/// </summary>
public readonly record struct FlashWrite(long Offset, int Length, bool Made, double Seconds = 0)
{
    public const int BlockSize = 4096;

    public bool IsErase => Length == BlockSize && Offset % BlockSize == 0;

    public int Block => (int)(Offset / BlockSize);
}
