namespace UefiRecovery.Testbed.Qemu;

/// <summary>
/// One write QEMU made (or, when cut, was about to make) to the vars file: <see cref="Offset"/> and
/// <see cref="Length"/> as passed to pwrite64. An erase is one block-aligned write of a whole erase block (OVMF's
/// 4 KiB, <see cref="IsErase"/>; AAVMF's 256 KiB, <see cref="IsEraseOf"/>); a program is a write of the sectors
/// holding the bytes programmed (QEMU 7.2 pflash_update: 512 bytes for OVMF's byte programs, one 4 KiB page for each
/// of AAVMF's word or 128-byte buffer programs).
/// <see cref="Seconds"/>: when the call was made (Unix time from strace -ttt; 0 when the log has none).
/// </summary>
public readonly record struct FlashWrite(long Offset, int Length, bool Made, double Seconds = 0)
{
    public const int BlockSize = 4096;

    public bool IsErase => Length == BlockSize && Offset % BlockSize == 0;

    public int Block => (int)(Offset / BlockSize);

    /// <summary>An erase on a flash whose erase blocks are <paramref name="blockSize"/> bytes.</summary>
    public bool IsEraseOf(int blockSize) => Length == blockSize && Offset % blockSize == 0;

    /// <summary>The erase block of <paramref name="blockSize"/> bytes this write falls in.</summary>
    public int BlockOf(int blockSize) => (int)(Offset / blockSize);
}
