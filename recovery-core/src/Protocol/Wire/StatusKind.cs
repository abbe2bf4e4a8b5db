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
    /// <summary>Per FEC block, how many more fragments it needs (capability FEC1, §5.5); answered with PARITY.</summary>
    BlockCounts = 3,
}
