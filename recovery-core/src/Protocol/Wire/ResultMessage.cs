using System;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// RESULT: the client reports its verdict and outcome to the donor, repeated until RESULT_ACK
/// (docs/protocol.md §4.7). Header session id is the session. Payload, 24 bytes:
/// <code>
///  0 image id u64   8 outcome u8   9 reserved u8 (0)   10 reason u16   12 firmware version now u32
/// 16 member token u64 (nonzero)
/// </code>
/// </summary>
public readonly struct ResultMessage(
    ulong imageId, ResultOutcome outcome, ResultReason reason, uint firmwareVersion, ulong memberToken)
    : IFixedLayoutMessage<ResultMessage>
{
    public const int PayloadLength = 24;

    public ulong ImageId { get; } = imageId;
    public ResultOutcome Outcome { get; } = outcome;
    public ResultReason Reason { get; } = reason;

    /// <summary>The firmware version the machine runs after this attempt (the new one on success).</summary>
    public uint FirmwareVersion { get; } = firmwareVersion;

    /// <summary>The reporting member's token (docs/protocol.md §7.4): only a member's RESULT is recorded.</summary>
    public ulong MemberToken { get; } = memberToken;

    public static WireStatus TryParse(in MessageFrame frame, out ResultMessage message)
    {
        return FixedLayoutCodec.TryParse(frame, MessageType.Result, PayloadLength, MessageFrame.NoReservedField, out message);
    }

    /// <summary>Emits 32 + 24 bytes.</summary>
    public WireStatus TryEmit(Span<byte> destination, in MessageIds ids, out int written)
    {
        return FixedLayoutCodec.TryEmit(this, MessageType.Result, PayloadLength, destination, ids, out written);
    }

    WireStatus IFixedLayoutMessage<ResultMessage>.ReadFields(ref PayloadReader fields, out ResultMessage message)
    {
        message = default;
        ulong imageId = fields.ReadUInt64();
        var outcome = (ResultOutcome)fields.ReadByte();
        if (fields.ReadByte() != 0) // reserved u8: CheckLayout covers 16-bit ones only
        {
            return WireStatus.ReservedNotZero;
        }
        message = new ResultMessage(imageId, outcome, (ResultReason)fields.ReadUInt16(), fields.ReadUInt32(), fields.ReadUInt64());
        return WireStatus.Ok;
    }

    void IFixedLayoutMessage<ResultMessage>.WriteFields(ref PayloadWriter fields)
    {
        fields.WriteUInt64(ImageId);
        fields.WriteByte((byte)Outcome);
        fields.WriteZeros(1); // reserved
        fields.WriteUInt16((ushort)Reason);
        fields.WriteUInt32(FirmwareVersion);
        fields.WriteUInt64(MemberToken);
    }

    bool IFixedLayoutMessage<ResultMessage>.HasValidFields(in MessageIds ids)
    {
        return ids.SessionId != 0 && ImageId != 0 && MemberToken != 0 && (byte)Outcome <= (byte)ResultOutcome.Failure;
    }
}
