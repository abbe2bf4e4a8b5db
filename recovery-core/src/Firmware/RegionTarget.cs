using UefiRecovery.Core.Common;

namespace UefiRecovery.Core.Firmware;

/// <summary>The configured firmware region a device expects: which FV, its size and shape, and whether it is an NV variable store.</summary>
public readonly struct RegionTarget(
    EfiGuid fileSystemGuid, ulong fvLength, int blockSize, int blockCount, bool isVariableStore, bool headerMapsDevice = false)
{
    /// <summary>EFI_SYSTEM_NV_DATA_FV_GUID FFF12B8D-7696-4C8B-A985-2747075B4F50.</summary>
    public static EfiGuid SystemNvDataFvGuid => new(0xFFF12B8D, 0x7696, 0x4C8B, 0xA9, 0x85, 0x27, 0x47, 0x07, 0x5B, 0x4F, 0x50);

    /// <summary>OVMF 4M's NV region (QEMU pflash unit 1): 132 blocks of 4 KiB, one FV (docs/firmware-regions.md).</summary>
    public static RegionTarget OvmfNvStore4M => new(SystemNvDataFvGuid, 0x84000, 0x1000, 132, isVariableStore: true);

    /// <summary>
    /// AAVMF's NV region (QEMU virt pflash unit 1): variable store, FTW working block and spare, 3 blocks of 256 KiB
    /// at the start of a 64 MiB flash whose FV header's block map describes the whole device (docs/firmware-regions.md).
    /// </summary>
    public static RegionTarget AavmfNvStore => new(SystemNvDataFvGuid, 0xC0000, 0x40000, 3, isVariableStore: true, headerMapsDevice: true);

    public EfiGuid FileSystemGuid { get; } = fileSystemGuid;

    public ulong FvLength { get; } = fvLength;

    public int BlockSize { get; } = blockSize;

    public int BlockCount { get; } = blockCount;

    /// <summary>Check the VARIABLE_STORE_HEADER after the FV header too.</summary>
    public bool IsVariableStore { get; } = isVariableStore;

    /// <summary>
    /// The FV header's block map may describe the flash device the volume starts (ArmPlatformPkg's NorFlashDxe writes
    /// N blocks of the erase size for the whole part): then it needs at least <see cref="BlockCount"/> blocks, and the
    /// region is the first BlockCount blocks of an FVB that may have more. Off: the map adds up to FvLength exactly.
    /// </summary>
    public bool HeaderMapsDevice { get; } = headerMapsDevice;

    /// <summary>
    /// How many blocks of an FVB with <paramref name="fvbBlocks"/> blocks are this region: its own BlockCount when the
    /// header maps the device and the FVB is larger (the volume is at the start of the part), else all of them (the
    /// validator then compares them with BlockCount).
    /// </summary>
    public ulong RegionBlocksOf(ulong fvbBlocks) => HeaderMapsDevice && fvbBlocks > (ulong)BlockCount ? (ulong)BlockCount : fvbBlocks;
}
