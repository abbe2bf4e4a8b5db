using System;
using System.Buffers.Binary;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// ABORT: either side ends a session early (docs/protocol.md §4.9). From a donor it goes to the delivery
/// address (or one client); from a client to the donor. Payload, 4 bytes:
/// <code>
///  0 reason u16   2 reserved u16 (0)
/// </code>
/// </summary>
public readonly struct AbortMessage
{
    public const int PayloadLength = 4;

    public AbortMessage(AbortReason reason)
    {
        Reason = reason;
    }

    public AbortReason Reason { get; }

    public static WireStatus TryParse(in MessageFrame frame, out AbortMessage message)
    {
        message = default;
        if (frame.Type != MessageType.Abort)
        {
            return WireStatus.WrongType;
        }
        ReadOnlySpan<byte> p = frame.Payload;
        if (p.Length != PayloadLength)
        {
            return WireStatus.BadPayloadLength;
        }
        if (BinaryPrimitives.ReadUInt16BigEndian(p.Slice(2)) != 0)
        {
            return WireStatus.ReservedNotZero;
        }
        if (frame.Header.SessionId == 0)
        {
            return WireStatus.BadField;
        }
        message = new AbortMessage((AbortReason)BinaryPrimitives.ReadUInt16BigEndian(p));
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
        WireStatus status = MessageFrame.TryBeginEmit(destination, MessageType.Abort, ids, PayloadLength, out Span<byte> p);
        if (status != WireStatus.Ok)
        {
            return status;
        }
        BinaryPrimitives.WriteUInt16BigEndian(p, (ushort)Reason);
        BinaryPrimitives.WriteUInt16BigEndian(p.Slice(2), 0);
        written = MessageFrame.FinishEmit(destination, MessageHeader.Length + PayloadLength);
        return WireStatus.Ok;
    }
}
