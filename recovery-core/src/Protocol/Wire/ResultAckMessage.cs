using System;
using System.Buffers.Binary;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// RESULT_ACK: the donor recorded a RESULT (docs/protocol.md §4.8). Sent unicast to the client.
/// Payload, 12 bytes: <c>0 in-reply-to u32 (RESULT message id)   4 member token u64 (the RESULT's)</c>.
/// </summary>
public readonly struct ResultAckMessage
{
    public const int PayloadLength = 12;

    private const int InReplyToOffset = 0;
    private const int TokenOffset = 4;

    public ResultAckMessage(uint inReplyTo, ulong memberToken)
    {
        InReplyTo = inReplyTo;
        MemberToken = memberToken;
    }

    public uint InReplyTo { get; }

    /// <summary>The token of the RESULT acknowledged: a client takes only an ACK that carries its own.</summary>
    public ulong MemberToken { get; }

    public static WireStatus TryParse(in MessageFrame frame, out ResultAckMessage message)
    {
        message = default;
        WireStatus layout = frame.CheckLayout(MessageType.ResultAck, PayloadLength, MessageFrame.NoReservedField);
        if (layout != WireStatus.Ok)
        {
            return layout;
        }
        ReadOnlySpan<byte> p = frame.Payload;
        ulong token = BinaryPrimitives.ReadUInt64BigEndian(p.Slice(TokenOffset));
        if (frame.Header.SessionId == 0 || token == 0)
        {
            return WireStatus.BadField;
        }
        message = new ResultAckMessage(BinaryPrimitives.ReadUInt32BigEndian(p.Slice(InReplyToOffset)), token);
        return WireStatus.Ok;
    }

    /// <summary>Emits 32 + 12 bytes.</summary>
    public WireStatus TryEmit(Span<byte> destination, in MessageIds ids, out int written)
    {
        written = 0;
        if (ids.SessionId == 0 || MemberToken == 0)
        {
            return WireStatus.BadField;
        }
        WireStatus status = MessageFrame.TryBeginEmit(destination, MessageType.ResultAck, ids, PayloadLength, out Span<byte> p);
        if (status != WireStatus.Ok)
        {
            return status;
        }
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(InReplyToOffset), InReplyTo);
        BinaryPrimitives.WriteUInt64BigEndian(p.Slice(TokenOffset), MemberToken);
        written = MessageFrame.FinishEmit(destination, MessageHeader.Length + PayloadLength);
        return WireStatus.Ok;
    }
}
