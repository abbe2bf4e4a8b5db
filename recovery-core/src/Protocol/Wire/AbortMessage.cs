using System;
using System.Buffers.Binary;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// ABORT: either side ends a membership early (docs/protocol.md §4.9). A donor sends it to one member at a
/// time; a client to its donor. Payload, 28 bytes:
/// <code>
///  0 reason u16   2 reserved u16 (0)   4 member token u64 (a client's own; a donor's: the member's or 0)
/// 12 abort key 16 (a donor's: the member's key, or zeros; a client's: zeros)
/// </code>
/// </summary>
public readonly struct AbortMessage
{
    public const int PayloadLength = 28;

    private const int ReasonOffset = 0;
    private const int ReservedOffset = 2;
    private const int TokenOffset = 4;
    private const int KeyOffset = 12;

    public AbortMessage(AbortReason reason, ulong memberToken, Hash128 abortKey)
    {
        Reason = reason;
        MemberToken = memberToken;
        AbortKey = abortKey;
    }

    public AbortReason Reason { get; }

    /// <summary>From a client: its token (the donor ignores an ABORT that is not the member's). From a donor: the member's or 0.</summary>
    public ulong MemberToken { get; }

    /// <summary>From a donor: the key whose SHA-256 begins with the OFFER's abort commitment; zero when it has none.</summary>
    public Hash128 AbortKey { get; }

    public static WireStatus TryParse(in MessageFrame frame, out AbortMessage message)
    {
        message = default;
        WireStatus layout = frame.CheckLayout(MessageType.Abort, PayloadLength, ReservedOffset);
        if (layout != WireStatus.Ok)
        {
            return layout;
        }
        ReadOnlySpan<byte> p = frame.Payload;
        if (frame.Header.SessionId == 0)
        {
            return WireStatus.BadField;
        }
        message = new AbortMessage(
            (AbortReason)BinaryPrimitives.ReadUInt16BigEndian(p.Slice(ReasonOffset)),
            BinaryPrimitives.ReadUInt64BigEndian(p.Slice(TokenOffset)),
            Hash128.Read(p.Slice(KeyOffset)));
        return WireStatus.Ok;
    }

    /// <summary>Emits 32 + 28 bytes.</summary>
    public WireStatus TryEmit(Span<byte> destination, in MessageIds ids, out int written)
    {
        written = 0;
        if (ids.SessionId == 0)
        {
            return WireStatus.BadField;
        }
        WireStatus status = MessageFrame.TryBeginEmit(destination, MessageType.Abort, ids, PayloadLength, out Span<byte> p);
        if (status != WireStatus.Ok)
        {
            return status;
        }
        BinaryPrimitives.WriteUInt16BigEndian(p.Slice(ReasonOffset), (ushort)Reason);
        BinaryPrimitives.WriteUInt16BigEndian(p.Slice(ReservedOffset), 0);
        BinaryPrimitives.WriteUInt64BigEndian(p.Slice(TokenOffset), MemberToken);
        AbortKey.Write(p.Slice(KeyOffset));
        written = MessageFrame.FinishEmit(destination, MessageHeader.Length + PayloadLength);
        return WireStatus.Ok;
    }
}
