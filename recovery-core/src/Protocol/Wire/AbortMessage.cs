using System;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// ABORT: either side ends a membership early (docs/protocol.md §4.9). A donor sends it to one member at a
/// time; a client to its donor. Payload, 28 bytes:
/// <code>
///  0 reason u16   2 reserved u16 (0)   4 member token u64 (a client's own; a donor's: the member's or 0)
/// 12 abort key 16 (a donor's: the member's key, or zeros; a client's: zeros)
/// </code>
/// </summary>
public readonly struct AbortMessage(
    AbortReason reason, ulong memberToken, Hash128 abortKey)
    : IFixedLayoutMessage<AbortMessage>
{
    public const int PayloadLength = 28;

    private const int ReservedOffset = 2;

    public AbortReason Reason { get; } = reason;

    /// <summary>From a client: its token (the donor ignores an ABORT that is not the member's). From a donor: the member's or 0.</summary>
    public ulong MemberToken { get; } = memberToken;

    /// <summary>From a donor: the key whose SHA-256 begins with the OFFER's abort commitment; zero when it has none.</summary>
    public Hash128 AbortKey { get; } = abortKey;

    public static WireStatus TryParse(in MessageFrame frame, out AbortMessage message)
    {
        return FixedLayoutCodec.TryParse(frame, MessageType.Abort, PayloadLength, ReservedOffset, out message);
    }

    /// <summary>Emits 32 + 28 bytes.</summary>
    public WireStatus TryEmit(Span<byte> destination, in MessageIds ids, out int written)
    {
        return FixedLayoutCodec.TryEmit(this, MessageType.Abort, PayloadLength, destination, ids, out written);
    }

    WireStatus IFixedLayoutMessage<AbortMessage>.ReadFields(ref PayloadReader fields, out AbortMessage message)
    {
        var reason = (AbortReason)fields.ReadUInt16();
        fields.Skip(2); // reserved, checked zero by CheckLayout
        message = new AbortMessage(reason, fields.ReadUInt64(), fields.ReadHash128());
        return WireStatus.Ok;
    }

    void IFixedLayoutMessage<AbortMessage>.WriteFields(ref PayloadWriter fields)
    {
        fields.WriteUInt16((ushort)Reason);
        fields.WriteZeros(2); // reserved
        fields.WriteUInt64(MemberToken);
        fields.WriteHash128(AbortKey);
    }

    bool IFixedLayoutMessage<AbortMessage>.HasValidFields(in MessageIds ids)
    {
        return ids.SessionId != 0;
    }
}
