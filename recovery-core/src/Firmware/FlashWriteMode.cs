namespace UefiRecovery.Core.Firmware;

/// <summary>Which blocks <see cref="FlashWriter"/> programs.</summary>
public enum FlashWriteMode
{
    /// <summary>Only blocks whose contents differ from the image (fewer erase cycles, a smaller power-loss window).</summary>
    ChangedBlocks,

    /// <summary>Every block, even identical ones: proves the erase/write/read-back path (the fvbcheck self-test).</summary>
    AllBlocks,
}
