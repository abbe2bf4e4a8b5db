using System;
using System.Buffers.Binary;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// ACCEPT: the client takes one offer and joins its session (docs/protocol.md §4.3). Sent to the chosen
/// donor; header session id is the offered session. Payload, 24 bytes:
/// <code>
///  0 in-reply-to u32 (OFFER message id)   4 image id u64   12 fragments already held u32
/// 16 member token u64 (from the OFFER, nonzero)
/// </code>
/// </summary>
public readonly struct AcceptMessage
{
    public const int PayloadLength = 24;

    private const int InReplyToOffset = 0;
    private const int ImageIdOffset = 4;
    private const int HeldOffset = 12;
    private const int TokenOffset = 16;

    public AcceptMessage(uint inReplyTo, ulong imageId, uint fragmentsHeld, ulong memberToken)
    {
        InReplyTo = inReplyTo;
        ImageId = imageId;
        FragmentsHeld = fragmentsHeld;
        MemberToken = memberToken;
    }

    public uint InReplyTo { get; }

    /// <summary>The offered image id, repeated so a restarted donor can tell stale ACCEPTs apart.</summary>
    public ulong ImageId { get; }

    /// <summary>Fragments of this image the client already holds (nonzero when resuming, §6.6).</summary>
    public uint FragmentsHeld { get; }

    /// <summary>The token the OFFER gave this client (docs/protocol.md §7.4).</summary>
    public ulong MemberToken { get; }

    public static WireStatus TryParse(in MessageFrame frame, out AcceptMessage message)
    {
        message = default;
        WireStatus layout = frame.CheckLayout(MessageType.Accept, PayloadLength, MessageFrame.NoReservedField);
        if (layout != WireStatus.Ok)
        {
            return layout;
        }
        ReadOnlySpan<byte> p = frame.Payload;
        ulong imageId = BinaryPrimitives.ReadUInt64BigEndian(p.Slice(ImageIdOffset));
        ulong token = BinaryPrimitives.ReadUInt64BigEndian(p.Slice(TokenOffset));
        if (imageId == 0 || token == 0 || frame.Header.SessionId == 0)
        {
            return WireStatus.BadField;
        }
        message = new AcceptMessage(
            BinaryPrimitives.ReadUInt32BigEndian(p.Slice(InReplyToOffset)),
            imageId,
            BinaryPrimitives.ReadUInt32BigEndian(p.Slice(HeldOffset)),
            token);
        return WireStatus.Ok;
    }

    /// <summary>Emits 32 + 24 bytes; session id, image id and token must be nonzero.</summary>
    public WireStatus TryEmit(Span<byte> destination, in MessageIds ids, out int written)
    {
        written = 0;
        if (ImageId == 0 || MemberToken == 0 || ids.SessionId == 0)
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
        BinaryPrimitives.WriteUInt64BigEndian(p.Slice(TokenOffset), MemberToken);
        written = MessageFrame.FinishEmit(destination, MessageHeader.Length + PayloadLength);
        return WireStatus.Ok;
    }
}
