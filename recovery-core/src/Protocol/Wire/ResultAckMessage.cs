using System;
using System.Buffers.Binary;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// RESULT_ACK: the donor recorded a RESULT (docs/protocol.md §4.8). Sent unicast to the client.
/// Payload, 4 bytes: <c>0 in-reply-to u32 (RESULT message id)</c>.
/// </summary>
public readonly struct ResultAckMessage
{
    public const int PayloadLength = 4;

    public ResultAckMessage(uint inReplyTo)
    {
        InReplyTo = inReplyTo;
    }

    public uint InReplyTo { get; }

    public static WireStatus TryParse(in MessageFrame frame, out ResultAckMessage message)
    {
        message = default;
        if (frame.Type != MessageType.ResultAck)
        {
            return WireStatus.WrongType;
        }
        if (frame.Payload.Length != PayloadLength)
        {
            return WireStatus.BadPayloadLength;
        }
        if (frame.Header.SessionId == 0)
        {
            return WireStatus.BadField;
        }
        message = new ResultAckMessage(BinaryPrimitives.ReadUInt32BigEndian(frame.Payload));
        return WireStatus.Ok;
    }

    /// <summary>Emits 32 + 4 bytes.</summary>
    public WireStatus TryEmit(Span<byte> destination, in MessageIds ids, out int written)
    {
        written = 0;
        if (ids.SessionId == 0)
        {
            return WireStatus.BadField;
        }
        WireStatus status = MessageFrame.TryBeginEmit(destination, MessageType.ResultAck, ids, PayloadLength, out Span<byte> p);
        if (status != WireStatus.Ok)
        {
            return status;
        }
        BinaryPrimitives.WriteUInt32BigEndian(p, InReplyTo);
        written = MessageFrame.FinishEmit(destination, MessageHeader.Length + PayloadLength);
        return WireStatus.Ok;
    }
}
