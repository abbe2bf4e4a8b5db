using System;
using System.Buffers.Binary;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// STATUS: a client's answer to STATUS_REQUEST, or an unsolicited report (round 0) when the session went
/// quiet (docs/protocol.md §4.6). Sent to the donor. Payload: 16 bytes, then a body by kind:
/// <code>
///  0 round u32 (echoed; 0 = unsolicited)   4 kind u8   5 flags u8 (bit 0 MORE)   6 count u16
///  8 fragments held u32   12 corrupted fragments seen u32
/// 16 body: COMPLETE: none (count 0, flags 0)
///          NACK ranges: count × (first u32, count u32), ascending, separated by at least one held fragment
///          NACK bitmap: window start u32, then count bytes; bit i (LSB first) of byte j set means
///                       fragment windowStart + 8j + i is missing or corrupted
/// </code>
/// A view over the received bytes.
/// </summary>
public readonly ref struct StatusMessage
{
    public const int FixedLength = 16;
    public const int BitmapPrefixLength = 4;

    private const int RoundOffset = 0;
    private const int KindOffset = 4;
    private const int FlagsOffset = 5;
    private const int CountOffset = 6;
    private const int HeldOffset = 8;
    private const int CorruptedOffset = 12;

    private StatusMessage(
        uint round, StatusKind kind, StatusFlags flags, uint fragmentsHeld, uint corruptedCount,
        ushort count, uint bitmapWindowStart, ReadOnlySpan<byte> body)
    {
        Round = round;
        Kind = kind;
        Flags = flags;
        FragmentsHeld = fragmentsHeld;
        CorruptedCount = corruptedCount;
        Count = count;
        BitmapWindowStart = bitmapWindowStart;
        _body = body;
    }

    private readonly ReadOnlySpan<byte> _body;

    public uint Round { get; }
    public StatusKind Kind { get; }
    public StatusFlags Flags { get; }
    public bool HasMore => (Flags & StatusFlags.More) != 0;

    /// <summary>Fragments the client holds with a good CRC.</summary>
    public uint FragmentsHeld { get; }

    /// <summary>DATA messages that arrived with a bad CRC since the session began (diagnostics).</summary>
    public uint CorruptedCount { get; }

    /// <summary>Number of ranges (NACK ranges) or bitmap bytes (NACK bitmap); 0 for COMPLETE.</summary>
    public ushort Count { get; }

    public int RangeCount => Kind == StatusKind.NackRanges ? Count : 0;

    /// <summary>Fragment number of bit 0 of the bitmap (NACK bitmap only).</summary>
    public uint BitmapWindowStart { get; }

    /// <summary>The bitmap bytes (NACK bitmap only; empty otherwise).</summary>
    public ReadOnlySpan<byte> Bitmap => Kind == StatusKind.NackBitmap ? _body : default;

    /// <summary>Range <paramref name="index"/> (0 ≤ index &lt; RangeCount; checked at parse time).</summary>
    public NackRange GetRange(int index)
    {
        ReadOnlySpan<byte> entry = _body.Slice(index * NackRange.WireLength, NackRange.WireLength);
        return new NackRange(BinaryPrimitives.ReadUInt32BigEndian(entry), BinaryPrimitives.ReadUInt32BigEndian(entry.Slice(4)));
    }

    public static WireStatus TryParse(in MessageFrame frame, out StatusMessage message)
    {
        message = default;
        if (frame.Type != MessageType.Status)
        {
            return WireStatus.WrongType;
        }
        ReadOnlySpan<byte> p = frame.Payload;
        if (p.Length < FixedLength)
        {
            return WireStatus.BadPayloadLength;
        }
        if (frame.Header.SessionId == 0)
        {
            return WireStatus.BadField;
        }
        uint round = BinaryPrimitives.ReadUInt32BigEndian(p.Slice(RoundOffset));
        byte kind = p[KindOffset];
        byte flags = p[FlagsOffset];
        ushort count = BinaryPrimitives.ReadUInt16BigEndian(p.Slice(CountOffset));
        uint held = BinaryPrimitives.ReadUInt32BigEndian(p.Slice(HeldOffset));
        uint corrupted = BinaryPrimitives.ReadUInt32BigEndian(p.Slice(CorruptedOffset));
        ReadOnlySpan<byte> body = p.Slice(FixedLength);
        if ((flags & ~(byte)StatusFlags.More) != 0)
        {
            return WireStatus.BadField;
        }
        switch ((StatusKind)kind)
        {
            case StatusKind.Complete:
                if (!body.IsEmpty)
                {
                    return WireStatus.BadPayloadLength;
                }
                if (count != 0 || flags != 0)
                {
                    return WireStatus.BadField;
                }
                message = new StatusMessage(round, StatusKind.Complete, StatusFlags.None, held, corrupted, 0, 0, body);
                return WireStatus.Ok;
            case StatusKind.NackRanges:
                if (count == 0 || count > ProtocolLimits.MaxNackRanges)
                {
                    return WireStatus.BadField;
                }
                if (body.Length != count * NackRange.WireLength)
                {
                    return WireStatus.BadPayloadLength;
                }
                if (!AreRangesCanonical(body, count))
                {
                    return WireStatus.BadField;
                }
                message = new StatusMessage(round, StatusKind.NackRanges, (StatusFlags)flags, held, corrupted, count, 0, body);
                return WireStatus.Ok;
            case StatusKind.NackBitmap:
                if (count == 0 || count > ProtocolLimits.MaxNackBitmapBytes)
                {
                    return WireStatus.BadField;
                }
                if (body.Length != BitmapPrefixLength + count)
                {
                    return WireStatus.BadPayloadLength;
                }
                uint windowStart = BinaryPrimitives.ReadUInt32BigEndian(body);
                if ((ulong)windowStart + (ulong)count * 8 > 1UL << 32)
                {
                    return WireStatus.BadField;
                }
                message = new StatusMessage(
                    round, StatusKind.NackBitmap, (StatusFlags)flags, held, corrupted, count, windowStart,
                    body.Slice(BitmapPrefixLength));
                return WireStatus.Ok;
            default:
                return WireStatus.BadField;
        }
    }

    /// <summary>Emits a COMPLETE status: 32 + 16 bytes.</summary>
    public static WireStatus TryEmitComplete(
        Span<byte> destination, in MessageIds ids, uint round, uint fragmentsHeld, uint corruptedCount, out int written)
    {
        written = 0;
        if (ids.SessionId == 0)
        {
            return WireStatus.BadField;
        }
        WireStatus status = MessageFrame.TryBeginEmit(destination, MessageType.Status, ids, FixedLength, out Span<byte> p);
        if (status != WireStatus.Ok)
        {
            return status;
        }
        WriteFixed(p, round, StatusKind.Complete, StatusFlags.None, 0, fragmentsHeld, corruptedCount);
        written = MessageFrame.FinishEmit(destination, MessageHeader.Length + FixedLength);
        return WireStatus.Ok;
    }

    /// <summary>Emits a NACK-ranges status: 32 + 16 + 8 × ranges.Length bytes. Ranges must be canonical
    /// (ascending, nonempty, not touching) and at most <see cref="ProtocolLimits.MaxNackRanges"/>.</summary>
    public static WireStatus TryEmitRanges(
        Span<byte> destination, in MessageIds ids, uint round, bool more, uint fragmentsHeld, uint corruptedCount,
        ReadOnlySpan<NackRange> ranges, out int written)
    {
        written = 0;
        if (ids.SessionId == 0 || ranges.IsEmpty || ranges.Length > ProtocolLimits.MaxNackRanges)
        {
            return WireStatus.BadField;
        }
        for (int i = 0; i < ranges.Length; i++)
        {
            if (ranges[i].Count == 0 || ranges[i].End > 1UL << 32 || (i > 0 && ranges[i].First <= ranges[i - 1].End))
            {
                return WireStatus.BadField;
            }
        }
        int payloadLength = FixedLength + ranges.Length * NackRange.WireLength;
        WireStatus status = MessageFrame.TryBeginEmit(destination, MessageType.Status, ids, payloadLength, out Span<byte> p);
        if (status != WireStatus.Ok)
        {
            return status;
        }
        WriteFixed(p, round, StatusKind.NackRanges, more ? StatusFlags.More : StatusFlags.None,
            (ushort)ranges.Length, fragmentsHeld, corruptedCount);
        Span<byte> body = p.Slice(FixedLength);
        for (int i = 0; i < ranges.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(body.Slice(i * NackRange.WireLength), ranges[i].First);
            BinaryPrimitives.WriteUInt32BigEndian(body.Slice(i * NackRange.WireLength + 4), ranges[i].Count);
        }
        written = MessageFrame.FinishEmit(destination, MessageHeader.Length + payloadLength);
        return WireStatus.Ok;
    }

    /// <summary>Emits a NACK-bitmap status: 32 + 16 + 4 + bitmap.Length bytes.</summary>
    public static WireStatus TryEmitBitmap(
        Span<byte> destination, in MessageIds ids, uint round, bool more, uint fragmentsHeld, uint corruptedCount,
        uint windowStart, ReadOnlySpan<byte> bitmap, out int written)
    {
        written = 0;
        if (ids.SessionId == 0 || bitmap.IsEmpty || bitmap.Length > ProtocolLimits.MaxNackBitmapBytes
            || (ulong)windowStart + (ulong)bitmap.Length * 8 > 1UL << 32)
        {
            return WireStatus.BadField;
        }
        int payloadLength = FixedLength + BitmapPrefixLength + bitmap.Length;
        WireStatus status = MessageFrame.TryBeginEmit(destination, MessageType.Status, ids, payloadLength, out Span<byte> p);
        if (status != WireStatus.Ok)
        {
            return status;
        }
        WriteFixed(p, round, StatusKind.NackBitmap, more ? StatusFlags.More : StatusFlags.None,
            (ushort)bitmap.Length, fragmentsHeld, corruptedCount);
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(FixedLength), windowStart);
        bitmap.CopyTo(p.Slice(FixedLength + BitmapPrefixLength));
        written = MessageFrame.FinishEmit(destination, MessageHeader.Length + payloadLength);
        return WireStatus.Ok;
    }

    private static void WriteFixed(
        Span<byte> p, uint round, StatusKind kind, StatusFlags flags, ushort count, uint held, uint corrupted)
    {
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(RoundOffset), round);
        p[KindOffset] = (byte)kind;
        p[FlagsOffset] = (byte)flags;
        BinaryPrimitives.WriteUInt16BigEndian(p.Slice(CountOffset), count);
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(HeldOffset), held);
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(CorruptedOffset), corrupted);
    }

    // Canonical ranges let a donor merge NACKs in one forward sweep and bound its work per STATUS.
    private static bool AreRangesCanonical(ReadOnlySpan<byte> body, int count)
    {
        ulong previousEnd = 0;
        for (int i = 0; i < count; i++)
        {
            uint first = BinaryPrimitives.ReadUInt32BigEndian(body.Slice(i * NackRange.WireLength));
            uint length = BinaryPrimitives.ReadUInt32BigEndian(body.Slice(i * NackRange.WireLength + 4));
            ulong end = (ulong)first + length;
            if (length == 0 || end > 1UL << 32 || (i > 0 && first <= previousEnd))
            {
                return false;
            }
            previousEnd = end;
        }
        return true;
    }
}
