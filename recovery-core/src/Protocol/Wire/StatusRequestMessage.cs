using System;
using System.Buffers.Binary;

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
public readonly struct StatusRequestMessage
{
    public const int PayloadLength = 16;

    private const int RoundOffset = 0;
    private const int WindowOffset = 4;
    private const int MaxRangesOffset = 6;
    private const int TargetOffset = 8;

    public StatusRequestMessage(uint round, ushort responseWindowMs, ushort maxRanges, ulong targetClientId)
    {
        Round = round;
        ResponseWindowMs = responseWindowMs;
        MaxRanges = maxRanges;
        TargetClientId = targetClientId;
    }

    /// <summary>Round number, increasing per session from 1; a client answers each round once.</summary>
    public uint Round { get; }

    /// <summary>Clients spread their answers uniformly over this many milliseconds.</summary>
    public ushort ResponseWindowMs { get; }

    /// <summary>Most NACK ranges the donor wants in one STATUS; more are signalled with the MORE flag.</summary>
    public ushort MaxRanges { get; }

    /// <summary>Only this client answers; 0 = all members.</summary>
    public ulong TargetClientId { get; }

    public static WireStatus TryParse(in MessageFrame frame, out StatusRequestMessage message)
    {
        message = default;
        WireStatus layout = frame.CheckLayout(MessageType.StatusRequest, PayloadLength, MessageFrame.NoReservedField);
        if (layout != WireStatus.Ok)
        {
            return layout;
        }
        ReadOnlySpan<byte> p = frame.Payload;
        StatusRequestMessage candidate = new StatusRequestMessage(
            BinaryPrimitives.ReadUInt32BigEndian(p.Slice(RoundOffset)),
            BinaryPrimitives.ReadUInt16BigEndian(p.Slice(WindowOffset)),
            BinaryPrimitives.ReadUInt16BigEndian(p.Slice(MaxRangesOffset)),
            BinaryPrimitives.ReadUInt64BigEndian(p.Slice(TargetOffset)));
        if (!candidate.IsValid(frame.Header.SessionId))
        {
            return WireStatus.BadField;
        }
        message = candidate;
        return WireStatus.Ok;
    }

    /// <summary>Emits 32 + 16 bytes.</summary>
    public WireStatus TryEmit(Span<byte> destination, in MessageIds ids, out int written)
    {
        written = 0;
        if (!IsValid(ids.SessionId))
        {
            return WireStatus.BadField;
        }
        WireStatus status = MessageFrame.TryBeginEmit(destination, MessageType.StatusRequest, ids, PayloadLength, out Span<byte> p);
        if (status != WireStatus.Ok)
        {
            return status;
        }
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(RoundOffset), Round);
        BinaryPrimitives.WriteUInt16BigEndian(p.Slice(WindowOffset), ResponseWindowMs);
        BinaryPrimitives.WriteUInt16BigEndian(p.Slice(MaxRangesOffset), MaxRanges);
        BinaryPrimitives.WriteUInt64BigEndian(p.Slice(TargetOffset), TargetClientId);
        written = MessageFrame.FinishEmit(destination, MessageHeader.Length + PayloadLength);
        return WireStatus.Ok;
    }

    private bool IsValid(uint sessionId)
    {
        return sessionId != 0 && Round != 0 && ResponseWindowMs <= ProtocolLimits.MaxResponseWindowMs
            && MaxRanges >= 1 && MaxRanges <= ProtocolLimits.MaxNackRanges;
    }
}
