using System;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// RESULT_ACK: the donor recorded a RESULT (docs/protocol.md §4.8). Sent unicast to the client.
/// Payload, 12 bytes: <c>0 in-reply-to u32 (RESULT message id)   4 member token u64 (the RESULT's)</c>.
/// </summary>
public readonly struct ResultAckMessage(uint inReplyTo, ulong memberToken) : IFixedLayoutMessage<ResultAckMessage>
{
    public const int PayloadLength = 12;

    public uint InReplyTo { get; } = inReplyTo;

    /// <summary>The token of the RESULT acknowledged: a client takes only an ACK that carries its own.</summary>
    public ulong MemberToken { get; } = memberToken;

    public static WireStatus TryParse(in MessageFrame frame, out ResultAckMessage message)
    {
        return FixedLayoutCodec.TryParse(frame, MessageType.ResultAck, PayloadLength, MessageFrame.NoReservedField, out message);
    }

    /// <summary>Emits 32 + 12 bytes.</summary>
    public WireStatus TryEmit(Span<byte> destination, in MessageIds ids, out int written)
    {
        return FixedLayoutCodec.TryEmit(this, MessageType.ResultAck, PayloadLength, destination, ids, out written);
    }

    WireStatus IFixedLayoutMessage<ResultAckMessage>.ReadFields(ref PayloadReader fields, out ResultAckMessage message)
    {
        message = new ResultAckMessage(fields.ReadUInt32(), fields.ReadUInt64());
        return WireStatus.Ok;
    }

    void IFixedLayoutMessage<ResultAckMessage>.WriteFields(ref PayloadWriter fields)
    {
        fields.WriteUInt32(InReplyTo);
        fields.WriteUInt64(MemberToken);
    }

    bool IFixedLayoutMessage<ResultAckMessage>.HasValidFields(in MessageIds ids)
    {
        return ids.SessionId != 0 && MemberToken != 0;
    }
}
