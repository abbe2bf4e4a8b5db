using System;
using System.Buffers.Binary;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// RESULT: the client reports its verdict and outcome to the donor, repeated until RESULT_ACK
/// (docs/protocol.md §4.7). Header session id is the session. Payload, 24 bytes:
/// <code>
///  0 image id u64   8 outcome u8   9 reserved u8 (0)   10 reason u16   12 firmware version now u32
/// 16 member token u64 (nonzero)
/// </code>
/// </summary>
public readonly struct ResultMessage
{
    public const int PayloadLength = 24;

    private const int ImageIdOffset = 0;
    private const int OutcomeOffset = 8;
    private const int ReservedOffset = 9;
    private const int ReasonOffset = 10;
    private const int VersionOffset = 12;
    private const int TokenOffset = 16;

    public ResultMessage(ulong imageId, ResultOutcome outcome, ResultReason reason, uint firmwareVersion, ulong memberToken)
    {
        ImageId = imageId;
        Outcome = outcome;
        Reason = reason;
        FirmwareVersion = firmwareVersion;
        MemberToken = memberToken;
    }

    public ulong ImageId { get; }
    public ResultOutcome Outcome { get; }
    public ResultReason Reason { get; }

    /// <summary>The firmware version the machine runs after this attempt (the new one on success).</summary>
    public uint FirmwareVersion { get; }

    /// <summary>The reporting member's token (docs/protocol.md §7.4): only a member's RESULT is recorded.</summary>
    public ulong MemberToken { get; }

    public static WireStatus TryParse(in MessageFrame frame, out ResultMessage message)
    {
        message = default;
        WireStatus layout = frame.CheckLayout(MessageType.Result, PayloadLength, MessageFrame.NoReservedField);
        if (layout != WireStatus.Ok)
        {
            return layout;
        }
        ReadOnlySpan<byte> p = frame.Payload;
        if (p[ReservedOffset] != 0)
        {
            return WireStatus.ReservedNotZero;
        }
        ulong imageId = BinaryPrimitives.ReadUInt64BigEndian(p.Slice(ImageIdOffset));
        byte outcome = p[OutcomeOffset];
        ulong token = BinaryPrimitives.ReadUInt64BigEndian(p.Slice(TokenOffset));
        if (imageId == 0 || token == 0 || frame.Header.SessionId == 0 || outcome > (byte)ResultOutcome.Failure)
        {
            return WireStatus.BadField;
        }
        message = new ResultMessage(
            imageId,
            (ResultOutcome)outcome,
            (ResultReason)BinaryPrimitives.ReadUInt16BigEndian(p.Slice(ReasonOffset)),
            BinaryPrimitives.ReadUInt32BigEndian(p.Slice(VersionOffset)),
            token);
        return WireStatus.Ok;
    }

    /// <summary>Emits 32 + 24 bytes.</summary>
    public WireStatus TryEmit(Span<byte> destination, in MessageIds ids, out int written)
    {
        written = 0;
        if (ImageId == 0 || MemberToken == 0 || ids.SessionId == 0 || (byte)Outcome > (byte)ResultOutcome.Failure)
        {
            return WireStatus.BadField;
        }
        WireStatus status = MessageFrame.TryBeginEmit(destination, MessageType.Result, ids, PayloadLength, out Span<byte> p);
        if (status != WireStatus.Ok)
        {
            return status;
        }
        BinaryPrimitives.WriteUInt64BigEndian(p.Slice(ImageIdOffset), ImageId);
        p[OutcomeOffset] = (byte)Outcome;
        p[ReservedOffset] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(p.Slice(ReasonOffset), (ushort)Reason);
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(VersionOffset), FirmwareVersion);
        BinaryPrimitives.WriteUInt64BigEndian(p.Slice(TokenOffset), MemberToken);
        written = MessageFrame.FinishEmit(destination, MessageHeader.Length + PayloadLength);
        return WireStatus.Ok;
    }
}
