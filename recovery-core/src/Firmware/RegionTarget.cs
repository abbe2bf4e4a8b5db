using UefiRecovery.Core.Common;

namespace UefiRecovery.Core.Firmware;

/// <summary>The configured firmware region a device expects: which FV, its size and shape, and whether it is an NV variable store.</summary>
public readonly struct RegionTarget(
    EfiGuid fileSystemGuid, ulong fvLength, int blockSize, int blockCount, bool isVariableStore)
{
    /// <summary>EFI_SYSTEM_NV_DATA_FV_GUID FFF12B8D-7696-4C8B-A985-2747075B4F50.</summary>
    public static EfiGuid SystemNvDataFvGuid => new(0xFFF12B8D, 0x7696, 0x4C8B, 0xA9, 0x85, 0x27, 0x47, 0x07, 0x5B, 0x4F, 0x50);

    /// <summary>OVMF 4M's NV region (QEMU pflash unit 1): 132 blocks of 4 KiB, one FV (docs/firmware-regions.md).</summary>
    public static RegionTarget OvmfNvStore4M => new(SystemNvDataFvGuid, 0x84000, 0x1000, 132, isVariableStore: true);

    public EfiGuid FileSystemGuid { get; } = fileSystemGuid;

    public ulong FvLength { get; } = fvLength;

    public int BlockSize { get; } = blockSize;

    public int BlockCount { get; } = blockCount;

    /// <summary>Check the VARIABLE_STORE_HEADER after the FV header too.</summary>
    public bool IsVariableStore { get; } = isVariableStore;
}
