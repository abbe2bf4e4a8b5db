namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>EFI_FV_BLOCK_MAP_ENTRY (PI 1.8 Vol. 3 §3.2.1): NumBlocks blocks of Length bytes.</summary>
public struct BlockMapEntry
{
    public uint NumBlocks;
    public uint Length;
}
