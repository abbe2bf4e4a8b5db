namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>What a STATUS carries (docs/protocol.md §4.6).</summary>
public enum StatusKind : byte
{
    /// <summary>Every fragment is held and passed its CRC.</summary>
    Complete = 0,
    /// <summary>Missing or corrupted fragments as (first, count) ranges.</summary>
    NackRanges = 1,
    /// <summary>Missing or corrupted fragments as a bitmap window.</summary>
    NackBitmap = 2,
}
