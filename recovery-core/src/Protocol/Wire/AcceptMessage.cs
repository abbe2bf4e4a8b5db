using System;
using System.Buffers.Binary;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// ACCEPT: the client takes one offer and joins its session (docs/protocol.md §4.3). Sent to the chosen
/// donor; header session id is the offered session. Payload, 16 bytes:
/// <code>
///  0 in-reply-to u32 (OFFER message id)   4 image id u64   12 fragments already held u32
/// </code>
/// </summary>
public readonly struct AcceptMessage
{
    public const int PayloadLength = 16;

    private const int InReplyToOffset = 0;
    private const int ImageIdOffset = 4;
    private const int HeldOffset = 12;

    public AcceptMessage(uint inReplyTo, ulong imageId, uint fragmentsHeld)
    {
        InReplyTo = inReplyTo;
        ImageId = imageId;
        FragmentsHeld = fragmentsHeld;
    }

    public uint InReplyTo { get; }

    /// <summary>The offered image id, repeated so a restarted donor can tell stale ACCEPTs apart.</summary>
    public ulong ImageId { get; }

    /// <summary>Fragments of this image the client already holds (nonzero when resuming, §6.6).</summary>
    public uint FragmentsHeld { get; }

    public static WireStatus TryParse(in MessageFrame frame, out AcceptMessage message)
    {
        message = default;
        if (frame.Type != MessageType.Accept)
        {
            return WireStatus.WrongType;
        }
        ReadOnlySpan<byte> p = frame.Payload;
        if (p.Length != PayloadLength)
        {
            return WireStatus.BadPayloadLength;
        }
        ulong imageId = BinaryPrimitives.ReadUInt64BigEndian(p.Slice(ImageIdOffset));
        if (imageId == 0 || frame.Header.SessionId == 0)
        {
            return WireStatus.BadField;
        }
        message = new AcceptMessage(
            BinaryPrimitives.ReadUInt32BigEndian(p.Slice(InReplyToOffset)),
            imageId,
            BinaryPrimitives.ReadUInt32BigEndian(p.Slice(HeldOffset)));
        return WireStatus.Ok;
    }

    /// <summary>Emits 32 + 16 bytes; session id and image id must be nonzero.</summary>
    public WireStatus TryEmit(Span<byte> destination, in MessageIds ids, out int written)
    {
        written = 0;
        if (ImageId == 0 || ids.SessionId == 0)
        {
            return WireStatus.BadField;
        }
        WireStatus status = MessageFrame.TryBeginEmit(destination, MessageType.Accept, ids, PayloadLength, out Span<byte> p);
        if (status != WireStatus.Ok)
        {
            return status;
        }
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(InReplyToOffset), InReplyTo);
        BinaryPrimitives.WriteUInt64BigEndian(p.Slice(ImageIdOffset), ImageId);
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(HeldOffset), FragmentsHeld);
        written = MessageFrame.FinishEmit(destination, MessageHeader.Length + PayloadLength);
        return WireStatus.Ok;
    }
}
