using System;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// STATUS_REQUEST: the donor asks the session what each member lacks (docs/protocol.md §4.5).
/// Sent to the delivery address. Payload, 16 bytes:
/// <code>
///  0 round u32 (≥ 1)   4 response window ms u16   6 max NACK ranges u16 (1..128)
///  8 target client id u64 (0 = every member that is not yet complete)
/// </code>
/// Each member answers after a uniformly random delay in [0, window) so that many clients do not answer
/// in one burst.
/// </summary>
public readonly struct StatusRequestMessage(
    uint round, ushort responseWindowMs, ushort maxRanges, ulong targetClientId)
    : IFixedLayoutMessage<StatusRequestMessage>
{
    public const int PayloadLength = 16;

    /// <summary>Round number, increasing per session from 1; a client answers each round once.</summary>
    public uint Round { get; } = round;

    /// <summary>Clients spread their answers uniformly over this many milliseconds.</summary>
    public ushort ResponseWindowMs { get; } = responseWindowMs;

    /// <summary>Most NACK ranges the donor wants in one STATUS; more are signalled with the MORE flag.</summary>
    public ushort MaxRanges { get; } = maxRanges;

    /// <summary>Only this client answers; 0 = all members.</summary>
    public ulong TargetClientId { get; } = targetClientId;

    public static WireStatus TryParse(in MessageFrame frame, out StatusRequestMessage message)
    {
        return FixedLayoutCodec.TryParse(frame, MessageType.StatusRequest, PayloadLength, MessageFrame.NoReservedField, out message);
    }

    /// <summary>Emits 32 + 16 bytes.</summary>
    public WireStatus TryEmit(Span<byte> destination, in MessageIds ids, out int written)
    {
        return FixedLayoutCodec.TryEmit(this, MessageType.StatusRequest, PayloadLength, destination, ids, out written);
    }

    WireStatus IFixedLayoutMessage<StatusRequestMessage>.ReadFields(ref PayloadReader fields, out StatusRequestMessage message)
    {
        message = new StatusRequestMessage(fields.ReadUInt32(), fields.ReadUInt16(), fields.ReadUInt16(), fields.ReadUInt64());
        return WireStatus.Ok;
    }

    void IFixedLayoutMessage<StatusRequestMessage>.WriteFields(ref PayloadWriter fields)
    {
        fields.WriteUInt32(Round);
        fields.WriteUInt16(ResponseWindowMs);
        fields.WriteUInt16(MaxRanges);
        fields.WriteUInt64(TargetClientId);
    }

    bool IFixedLayoutMessage<StatusRequestMessage>.HasValidFields(in MessageIds ids)
    {
        return ids.SessionId != 0 && Round != 0 && ResponseWindowMs <= ProtocolLimits.MaxResponseWindowMs
            && MaxRanges >= 1 && MaxRanges <= ProtocolLimits.MaxNackRanges;
    }
}
