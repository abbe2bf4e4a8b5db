using System;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// ACCEPT: the client takes one offer and joins its session (docs/protocol.md §4.3). Sent to the chosen
/// donor; header session id is the offered session. Payload, 24 bytes:
/// <code>
///  0 in-reply-to u32 (OFFER message id)   4 image id u64   12 fragments already held u32
/// 16 member token u64 (from the OFFER, nonzero)
/// </code>
/// </summary>
public readonly struct AcceptMessage(
    uint inReplyTo, ulong imageId, uint fragmentsHeld, ulong memberToken)
    : IFixedLayoutMessage<AcceptMessage>
{
    public const int PayloadLength = 24;

    public uint InReplyTo { get; } = inReplyTo;

    /// <summary>The offered image id, repeated so a restarted donor can tell stale ACCEPTs apart.</summary>
    public ulong ImageId { get; } = imageId;

    /// <summary>Fragments of this image the client already holds (nonzero when resuming, §6.6).</summary>
    public uint FragmentsHeld { get; } = fragmentsHeld;

    /// <summary>The token the OFFER gave this client (docs/protocol.md §7.4).</summary>
    public ulong MemberToken { get; } = memberToken;

    public static WireStatus TryParse(in MessageFrame frame, out AcceptMessage message)
    {
        return FixedLayoutCodec.TryParse(frame, MessageType.Accept, PayloadLength, MessageFrame.NoReservedField, out message);
    }

    /// <summary>Emits 32 + 24 bytes; session id, image id and token must be nonzero.</summary>
    public WireStatus TryEmit(Span<byte> destination, in MessageIds ids, out int written)
    {
        return FixedLayoutCodec.TryEmit(this, MessageType.Accept, PayloadLength, destination, ids, out written);
    }

    WireStatus IFixedLayoutMessage<AcceptMessage>.ReadFields(ref PayloadReader fields, out AcceptMessage message)
    {
        message = new AcceptMessage(fields.ReadUInt32(), fields.ReadUInt64(), fields.ReadUInt32(), fields.ReadUInt64());
        return WireStatus.Ok;
    }

    void IFixedLayoutMessage<AcceptMessage>.WriteFields(ref PayloadWriter fields)
    {
        fields.WriteUInt32(InReplyTo);
        fields.WriteUInt64(ImageId);
        fields.WriteUInt32(FragmentsHeld);
        fields.WriteUInt64(MemberToken);
    }

    bool IFixedLayoutMessage<AcceptMessage>.HasValidFields(in MessageIds ids)
    {
        return ids.SessionId != 0 && ImageId != 0 && MemberToken != 0;
    }
}
