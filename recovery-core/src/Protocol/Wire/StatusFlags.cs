namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>Flags of a STATUS (docs/protocol.md §4.6).</summary>
public enum StatusFlags : byte
{
    None = 0,
    /// <summary>More fragments are missing than this STATUS lists: ask again after the repair pass.</summary>
    More = 1 << 0,
}
