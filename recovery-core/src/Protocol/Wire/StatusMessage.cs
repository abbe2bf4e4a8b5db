using System;
using System.Buffers.Binary;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// STATUS: a client's answer to STATUS_REQUEST, or an unsolicited report (round 0) when the session went
/// quiet (docs/protocol.md §4.6). Sent to the donor. Payload: 28 bytes, then a body by kind:
/// <code>
///  0 round u32 (echoed; 0 = unsolicited)   4 kind u8   5 flags u8 (bit 0 MORE)   6 count u16
///  8 fragments held u32   12 corrupted fragments seen u32   16 forged fragments seen u32
/// 20 member token u64 (nonzero)
/// 28 body: COMPLETE: none (count 0, flags 0)
///          NACK ranges: count × (first u32, count u32), ascending, separated by at least one held fragment
///          NACK bitmap: window start u32, then count bytes; bit i (LSB first) of byte j set means
///                       fragment windowStart + 8j + i is missing or corrupted
///          BLOCK COUNTS (FEC1, §5.5): first block u32, then count bytes; byte j = parity fragments block
///                       first + j still needs (0..64), plus 0x80 when it lacks a MANIFEST of the block
/// </code>
/// A view over the received bytes.
/// </summary>
public readonly ref struct StatusMessage
{
    public const int FixedLength = 28;
    public const int BitmapPrefixLength = 4;

    private StatusMessage(
        StatusReport report, StatusKind kind, StatusFlags flags, ushort count, uint bitmapWindowStart, ReadOnlySpan<byte> body)
    {
        Round = report.Round;
        Kind = kind;
        Flags = flags;
        FragmentsHeld = report.FragmentsHeld;
        CorruptedCount = report.CorruptedCount;
        ForgedCount = report.ForgedCount;
        MemberToken = report.MemberToken;
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

    /// <summary>DATA and MANIFEST with a good CRC that failed the manifest (diagnostics).</summary>
    public uint ForgedCount { get; }

    /// <summary>The member's token (docs/protocol.md §7.4).</summary>
    public ulong MemberToken { get; }

    /// <summary>Number of ranges (NACK ranges) or bitmap bytes (NACK bitmap); 0 for COMPLETE.</summary>
    public ushort Count { get; }

    public int RangeCount => Kind == StatusKind.NackRanges ? Count : 0;

    /// <summary>Fragment number of bit 0 of the bitmap (NACK bitmap only).</summary>
    public uint BitmapWindowStart { get; }

    /// <summary>The bitmap bytes (NACK bitmap only; empty otherwise).</summary>
    public ReadOnlySpan<byte> Bitmap => Kind == StatusKind.NackBitmap ? _body : default;

    /// <summary>First block of <see cref="BlockCounts"/> (BLOCK COUNTS only; the same field as the bitmap's window start).</summary>
    public uint FirstBlock => Kind == StatusKind.BlockCounts ? BitmapWindowStart : 0;

    /// <summary>One byte per block from <see cref="FirstBlock"/> (BLOCK COUNTS only): parity needed, 0x80 = MANIFEST needed.</summary>
    public ReadOnlySpan<byte> BlockCounts => Kind == StatusKind.BlockCounts ? _body : default;

    /// <summary>In a BLOCK COUNTS byte: the member lacks a MANIFEST of fragments in this block.</summary>
    public const byte BlockNeedsManifest = 0x80;

    /// <summary>Range <paramref name="index"/> (0 ≤ index &lt; RangeCount; checked at parse time).</summary>
    public NackRange GetRange(int index)
    {
        return NackRange.Read(_body.Slice(index * NackRange.WireLength, NackRange.WireLength));
    }

    public static WireStatus TryParse(in MessageFrame frame, out StatusMessage message)
    {
        message = default;
        WireStatus prefix = frame.CheckPrefix(MessageType.Status, FixedLength);
        if (prefix != WireStatus.Ok)
        {
            return prefix;
        }
        if (frame.Header.SessionId == 0)
        {
            return WireStatus.BadField;
        }
        var fields = new PayloadReader(frame.Payload);
        uint round = fields.ReadUInt32();
        byte kind = fields.ReadByte();
        byte flags = fields.ReadByte();
        ushort count = fields.ReadUInt16();
        uint held = fields.ReadUInt32();
        uint corrupted = fields.ReadUInt32();
        uint forged = fields.ReadUInt32();
        ulong token = fields.ReadUInt64();
        ReadOnlySpan<byte> body = frame.Payload.Slice(FixedLength);
        if ((flags & ~(byte)StatusFlags.More) != 0 || token == 0)
        {
            return WireStatus.BadField;
        }
        var report = new StatusReport(round, held, corrupted, forged, token);
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
                message = new StatusMessage(report, StatusKind.Complete, StatusFlags.None, 0, 0, body);
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
                message = new StatusMessage(report, StatusKind.NackRanges, (StatusFlags)flags, count, 0, body);
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
                    report, StatusKind.NackBitmap, (StatusFlags)flags, count, windowStart, body.Slice(BitmapPrefixLength));
                return WireStatus.Ok;
            case StatusKind.BlockCounts:
                if (count == 0 || count > ProtocolLimits.MaxNackBitmapBytes)
                {
                    return WireStatus.BadField;
                }
                if (body.Length != BitmapPrefixLength + count)
                {
                    return WireStatus.BadPayloadLength;
                }
                uint firstBlock = BinaryPrimitives.ReadUInt32BigEndian(body);
                if ((ulong)firstBlock + count > (1UL << 32) / ProtocolConstants.FecBlockLength
                    || !AreBlockCountsValid(body.Slice(BitmapPrefixLength)))
                {
                    return WireStatus.BadField;
                }
                message = new StatusMessage(
                    report, StatusKind.BlockCounts, (StatusFlags)flags, count, firstBlock, body.Slice(BitmapPrefixLength));
                return WireStatus.Ok;
            default:
                return WireStatus.BadField;
        }
    }

    /// <summary>Emits a COMPLETE status: 32 + 28 bytes.</summary>
    public static WireStatus TryEmitComplete(Span<byte> destination, in MessageIds ids, in StatusReport report, out int written)
    {
        written = 0;
        if (ids.SessionId == 0 || report.MemberToken == 0)
        {
            return WireStatus.BadField;
        }
        WireStatus status = MessageFrame.TryBeginEmit(destination, MessageType.Status, ids, FixedLength, out Span<byte> p);
        if (status != WireStatus.Ok)
        {
            return status;
        }
        var fields = new PayloadWriter(p);
        WriteFixed(ref fields, report, StatusKind.Complete, StatusFlags.None, 0);
        written = MessageFrame.FinishEmit(destination, fields);
        return WireStatus.Ok;
    }

    /// <summary>Emits a NACK-ranges status: 32 + 28 + 8 × ranges.Length bytes. Ranges must be canonical
    /// (ascending, nonempty, not touching) and at most <see cref="ProtocolLimits.MaxNackRanges"/>.</summary>
    public static WireStatus TryEmitRanges(
        Span<byte> destination, in MessageIds ids, in StatusReport report, bool more, ReadOnlySpan<NackRange> ranges, out int written)
    {
        written = 0;
        if (ids.SessionId == 0 || report.MemberToken == 0 || ranges.IsEmpty || ranges.Length > ProtocolLimits.MaxNackRanges)
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
        var fields = new PayloadWriter(p);
        WriteFixed(ref fields, report, StatusKind.NackRanges, more ? StatusFlags.More : StatusFlags.None, (ushort)ranges.Length);
        foreach (NackRange range in ranges)
        {
            range.Write(fields.Next(NackRange.WireLength));
        }
        written = MessageFrame.FinishEmit(destination, fields);
        return WireStatus.Ok;
    }

    /// <summary>Emits a NACK-bitmap status: 32 + 28 + 4 + bitmap.Length bytes.</summary>
    public static WireStatus TryEmitBitmap(
        Span<byte> destination, in MessageIds ids, in StatusReport report, bool more, uint windowStart, ReadOnlySpan<byte> bitmap,
        out int written)
    {
        written = 0;
        if (ids.SessionId == 0 || report.MemberToken == 0 || bitmap.IsEmpty || bitmap.Length > ProtocolLimits.MaxNackBitmapBytes
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
        var fields = new PayloadWriter(p);
        WriteFixed(ref fields, report, StatusKind.NackBitmap, more ? StatusFlags.More : StatusFlags.None, (ushort)bitmap.Length);
        fields.WriteUInt32(windowStart);
        fields.WriteBytes(bitmap);
        written = MessageFrame.FinishEmit(destination, fields);
        return WireStatus.Ok;
    }

    /// <summary>Emits a BLOCK COUNTS status (§5.5): 32 + 28 + 4 + counts.Length bytes.</summary>
    public static WireStatus TryEmitBlockCounts(
        Span<byte> destination, in MessageIds ids, in StatusReport report, bool more, uint firstBlock, ReadOnlySpan<byte> counts,
        out int written)
    {
        written = 0;
        if (ids.SessionId == 0 || report.MemberToken == 0 || counts.IsEmpty || counts.Length > ProtocolLimits.MaxNackBitmapBytes
            || (ulong)firstBlock + (ulong)counts.Length > (1UL << 32) / ProtocolConstants.FecBlockLength
            || !AreBlockCountsValid(counts))
        {
            return WireStatus.BadField;
        }
        int payloadLength = FixedLength + BitmapPrefixLength + counts.Length;
        WireStatus status = MessageFrame.TryBeginEmit(destination, MessageType.Status, ids, payloadLength, out Span<byte> p);
        if (status != WireStatus.Ok)
        {
            return status;
        }
        var fields = new PayloadWriter(p);
        WriteFixed(ref fields, report, StatusKind.BlockCounts, more ? StatusFlags.More : StatusFlags.None, (ushort)counts.Length);
        fields.WriteUInt32(firstBlock);
        fields.WriteBytes(counts);
        written = MessageFrame.FinishEmit(destination, fields);
        return WireStatus.Ok;
    }

    // A count is at most a block's length; only the MANIFEST bit may be set beside it.
    private static bool AreBlockCountsValid(ReadOnlySpan<byte> counts)
    {
        for (int i = 0; i < counts.Length; i++)
        {
            if ((counts[i] & ~BlockNeedsManifest) > ProtocolConstants.FecBlockLength)
            {
                return false;
            }
        }
        return true;
    }

    private static void WriteFixed(ref PayloadWriter fields, in StatusReport report, StatusKind kind, StatusFlags flags, ushort count)
    {
        fields.WriteUInt32(report.Round);
        fields.WriteByte((byte)kind);
        fields.WriteByte((byte)flags);
        fields.WriteUInt16(count);
        fields.WriteUInt32(report.FragmentsHeld);
        fields.WriteUInt32(report.CorruptedCount);
        fields.WriteUInt32(report.ForgedCount);
        fields.WriteUInt64(report.MemberToken);
    }

    // Canonical ranges let a donor merge NACKs in one forward sweep and bound its work per STATUS.
    private static bool AreRangesCanonical(ReadOnlySpan<byte> body, int count)
    {
        ulong previousEnd = 0;
        for (int i = 0; i < count; i++)
        {
            NackRange range = NackRange.Read(body.Slice(i * NackRange.WireLength));
            if (range.Count == 0 || range.End > 1UL << 32 || (i > 0 && range.First <= previousEnd))
            {
                return false;
            }
            previousEnd = range.End;
        }
        return true;
    }
}
