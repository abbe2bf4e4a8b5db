using System;
using System.Buffers.Binary;

namespace UefiRecovery.Core.Protocol;

/// <summary>
/// A 16-byte value on the wire: a manifest node or root, an abort key or commitment (docs/protocol.md
/// §5.4, §7.4). Held as two big-endian halves so it copies and compares without touching the heap.
/// <see cref="Wire.SystemUuid"/> and <see cref="Wire.ImageTypeId"/> keep their 16 bytes in one.
/// </summary>
public readonly struct Hash128(ulong high, ulong low)
{
    public const int Length = 16;

    /// <summary>Bytes 0..7, big-endian.</summary>
    public ulong High { get; } = high;

    /// <summary>Bytes 8..15, big-endian.</summary>
    public ulong Low { get; } = low;

    public bool IsZero => High == 0 && Low == 0;

    /// <summary>The first 16 bytes of <paramref name="source"/> (at least 16 bytes long).</summary>
    public static Hash128 Read(ReadOnlySpan<byte> source)
    {
        return new Hash128(BinaryPrimitives.ReadUInt64BigEndian(source), BinaryPrimitives.ReadUInt64BigEndian(source.Slice(8)));
    }

    /// <summary>Writes the 16 bytes to the start of <paramref name="destination"/> (at least 16 bytes long).</summary>
    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, High);
        BinaryPrimitives.WriteUInt64BigEndian(destination.Slice(8), Low);
    }

    public bool Equals(Hash128 other)
    {
        return High == other.High && Low == other.Low;
    }
}
