namespace UefiRecovery.Core.Firmware;

/// <summary>What <see cref="FlashWriter"/> does with one block, decided by comparing the block with the image.</summary>
public enum BlockAction : byte
{
    /// <summary>The block already holds the image's bytes: not touched.</summary>
    Skip,

    /// <summary>
    /// The image only clears bits the block still has set (image AND NOT block = 0): the differing bytes are
    /// programmed in place, without an erase. Never chosen for the header block when its headers differ.
    /// </summary>
    Program,

    /// <summary>The image needs bits the block has cleared (or every block was asked for): erase, then program.</summary>
    EraseAndProgram,
}
