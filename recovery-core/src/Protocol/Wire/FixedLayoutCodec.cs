using System;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// Parse and emit for every message with a fixed-length payload (docs/protocol.md §4): one order of checks
/// for all of them. Parse: type, exact length and reserved field (<see cref="MessageFrame.CheckLayout"/>),
/// the fields, then their rules (<see cref="WireStatus.BadField"/>). Emit: the rules first, then header,
/// fields and CRC; nothing is reported written on failure.
/// </summary>
internal static class FixedLayoutCodec
{
    public static WireStatus TryParse<T>(
        in MessageFrame frame, MessageType type, int payloadLength, int reservedOffset, out T message)
        where T : struct, IFixedLayoutMessage<T>
    {
        message = default;
        WireStatus status = frame.CheckLayout(type, payloadLength, reservedOffset);
        if (status != WireStatus.Ok)
        {
            return status;
        }
        var fields = new PayloadReader(frame.Payload);
        status = default(T).ReadFields(ref fields, out T candidate);
        if (status != WireStatus.Ok)
        {
            return status;
        }
        if (!candidate.HasValidFields(frame.Header.Ids))
        {
            return WireStatus.BadField;
        }
        message = candidate;
        return WireStatus.Ok;
    }

    public static WireStatus TryEmit<T>(
        in T message, MessageType type, int payloadLength, Span<byte> destination, in MessageIds ids, out int written)
        where T : struct, IFixedLayoutMessage<T>
    {
        written = 0;
        if (!message.HasValidFields(ids))
        {
            return WireStatus.BadField;
        }
        WireStatus status = MessageFrame.TryBeginEmit(destination, type, ids, payloadLength, out Span<byte> payload);
        if (status != WireStatus.Ok)
        {
            return status;
        }
        var fields = new PayloadWriter(payload);
        message.WriteFields(ref fields);
        written = MessageFrame.FinishEmit(destination, fields);
        return WireStatus.Ok;
    }
}
