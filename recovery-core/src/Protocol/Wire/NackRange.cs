using System;
using System.Buffers.Binary;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>Fragments [First, First + Count) are missing or corrupted (docs/protocol.md §4.6). 8 bytes on the wire.</summary>
public readonly struct NackRange(uint first, uint count)
{
    public const int WireLength = 8;

    public uint First { get; } = first;
    public uint Count { get; } = count;

    /// <summary>One past the last fragment, as a 64-bit value so it cannot wrap.</summary>
    public ulong End => (ulong)First + Count;

    /// <summary>One entry of a STATUS body: first u32, count u32 (at least <see cref="WireLength"/> bytes).</summary>
    public static NackRange Read(ReadOnlySpan<byte> entry)
    {
        return new NackRange(BinaryPrimitives.ReadUInt32BigEndian(entry), BinaryPrimitives.ReadUInt32BigEndian(entry.Slice(4)));
    }

    public void Write(Span<byte> entry)
    {
        BinaryPrimitives.WriteUInt32BigEndian(entry, First);
        BinaryPrimitives.WriteUInt32BigEndian(entry.Slice(4), Count);
    }
}
