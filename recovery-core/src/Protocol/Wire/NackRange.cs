namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>Fragments [First, First + Count) are missing or corrupted (docs/protocol.md §4.6). 8 bytes on the wire.</summary>
public readonly struct NackRange
{
    public const int WireLength = 8;

    public NackRange(uint first, uint count)
    {
        First = first;
        Count = count;
    }

    public uint First { get; }
    public uint Count { get; }

    /// <summary>One past the last fragment, as a 64-bit value so it cannot wrap.</summary>
    public ulong End => (ulong)First + Count;
}
