namespace UefiRecovery.Efi.Uefi;

/// <summary>The size of a run of equal blocks (FVB GetBlockSize, PI 1.8 Vol. 3 §3.4.2.4).</summary>
public readonly struct FvbBlockRun
{
    public FvbBlockRun(nuint blockSize, nuint numberOfBlocks)
    {
        BlockSize = blockSize;
        NumberOfBlocks = numberOfBlocks;
    }

    /// <summary>Bytes in the block asked about.</summary>
    public nuint BlockSize { get; }

    /// <summary>Blocks of this size from the one asked about onwards, itself included.</summary>
    public nuint NumberOfBlocks { get; }
}
