using System;
using System.Buffers.Binary;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// A checked view of one datagram: the header decoded and the payload sliced to the header's length
/// (docs/protocol.md §3). Obtain one with <see cref="TryParse"/>; after success no accessor can fail.
/// </summary>
public readonly ref struct MessageFrame
{
    private MessageFrame(MessageHeader header, ReadOnlySpan<byte> message)
    {
        Header = header;
        Message = message;
    }

    public MessageHeader Header { get; }

    /// <summary>The whole message, header included (exactly the datagram).</summary>
    public ReadOnlySpan<byte> Message { get; }

    /// <summary>The payload, exactly <see cref="MessageHeader.PayloadLength"/> bytes.</summary>
    public ReadOnlySpan<byte> Payload => Message.Slice(MessageHeader.Length);

    public MessageType Type => Header.Type;

    /// <summary>Recomputes the message CRC and compares it with the one carried (§3.4).</summary>
    public bool HasValidChecksum => MessageHeader.ComputeMessageCrc(Message) == Header.Crc;

    /// <summary>For <see cref="CheckLayout"/>: the message has no 16-bit reserved field to check.</summary>
    public const int NoReservedField = -1;

    /// <summary>
    /// The checks every fixed-size message's parser starts with: the type, the exact payload length, and (unless
    /// <paramref name="reservedOffset"/> is <see cref="NoReservedField"/>) a zero 16-bit reserved field (§4).
    /// </summary>
    public WireStatus CheckLayout(MessageType type, int payloadLength, int reservedOffset)
    {
        if (Type != type)
        {
            return WireStatus.WrongType;
        }
        ReadOnlySpan<byte> payload = Payload;
        if (payload.Length != payloadLength)
        {
            return WireStatus.BadPayloadLength;
        }
        if (reservedOffset != NoReservedField && BinaryPrimitives.ReadUInt16BigEndian(payload.Slice(reservedOffset)) != 0)
        {
            return WireStatus.ReservedNotZero;
        }
        return WireStatus.Ok;
    }

    /// <summary>
    /// The checks a variable-length message's parser starts with: the type, and a payload of at least
    /// <paramref name="minimumLength"/> bytes (its fixed part; the message checks the rest against it).
    /// </summary>
    public WireStatus CheckPrefix(MessageType type, int minimumLength)
    {
        if (Type != type)
        {
            return WireStatus.WrongType;
        }
        return Payload.Length < minimumLength ? WireStatus.BadPayloadLength : WireStatus.Ok;
    }

    /// <summary>
    /// Full check: structure (<see cref="TryReadStructure"/>) and CRC. On any failure
    /// <paramref name="frame"/> is default and must not be used.
    /// </summary>
    public static WireStatus TryParse(ReadOnlySpan<byte> datagram, out MessageFrame frame)
    {
        WireStatus status = TryReadStructure(datagram, out frame);
        if (status != WireStatus.Ok)
        {
            return status;
        }
        if (!frame.HasValidChecksum)
        {
            frame = default;
            return WireStatus.BadChecksum;
        }
        return WireStatus.Ok;
    }

    /// <summary>
    /// Checks everything but the CRC: length, magic, version, type, payload length, reserved field and
    /// sender id. A receiver uses this alone only to classify a damaged DATA as a corrupted fragment
    /// (§6.3); every other use goes through <see cref="TryParse"/>.
    /// </summary>
    public static WireStatus TryReadStructure(ReadOnlySpan<byte> datagram, out MessageFrame frame)
    {
        frame = default;
        if (datagram.Length < MessageHeader.Length)
        {
            return WireStatus.Truncated;
        }
        if (BinaryPrimitives.ReadUInt32BigEndian(datagram.Slice(MessageHeader.MagicOffset)) != ProtocolConstants.Magic)
        {
            return WireStatus.BadMagic;
        }
        if (datagram[MessageHeader.VersionOffset] != ProtocolConstants.Version)
        {
            return WireStatus.UnsupportedVersion;
        }
        ushort payloadLength = BinaryPrimitives.ReadUInt16BigEndian(datagram.Slice(MessageHeader.PayloadLengthOffset));
        if (payloadLength != datagram.Length - MessageHeader.Length)
        {
            return WireStatus.LengthMismatch;
        }
        byte type = datagram[MessageHeader.TypeOffset];
        if (!MessageHeader.IsDefinedType(type))
        {
            return WireStatus.UnknownType;
        }
        if (BinaryPrimitives.ReadUInt16BigEndian(datagram.Slice(MessageHeader.ReservedOffset)) != 0)
        {
            return WireStatus.ReservedNotZero;
        }
        ulong senderId = BinaryPrimitives.ReadUInt64BigEndian(datagram.Slice(MessageHeader.SenderIdOffset));
        if (senderId == 0)
        {
            return WireStatus.BadField;
        }
        MessageIds ids = new MessageIds(
            BinaryPrimitives.ReadUInt32BigEndian(datagram.Slice(MessageHeader.MessageIdOffset)),
            BinaryPrimitives.ReadUInt32BigEndian(datagram.Slice(MessageHeader.SessionIdOffset)),
            senderId,
            BinaryPrimitives.ReadUInt16BigEndian(datagram.Slice(MessageHeader.FlagsOffset)));
        MessageHeader header = new MessageHeader(
            (MessageType)type, ids, payloadLength,
            BinaryPrimitives.ReadUInt32BigEndian(datagram.Slice(MessageHeader.CrcOffset)));
        frame = new MessageFrame(header, datagram);
        return WireStatus.Ok;
    }

    /// <summary>
    /// Starts an emit: checks the room, writes the header with a zero CRC and lends out the payload area.
    /// The caller fills exactly <paramref name="payloadLength"/> bytes and then calls <see cref="FinishEmit"/>.
    /// </summary>
    internal static WireStatus TryBeginEmit(
        Span<byte> destination, MessageType type, in MessageIds ids, int payloadLength, out Span<byte> payload)
    {
        payload = default;
        if (ids.SenderId == 0 || payloadLength < 0 || payloadLength > ProtocolLimits.MaxDatagram - MessageHeader.Length)
        {
            return WireStatus.BadField;
        }
        if (destination.Length < MessageHeader.Length || payloadLength > destination.Length - MessageHeader.Length)
        {
            return WireStatus.BufferTooSmall;
        }
        MessageHeader.WriteWithoutCrc(destination, type, ids, payloadLength);
        payload = destination.Slice(MessageHeader.Length, payloadLength);
        return WireStatus.Ok;
    }

    /// <summary>Ends an emit whose payload <paramref name="payload"/> filled: stores the CRC, returns the message length.</summary>
    internal static int FinishEmit(Span<byte> destination, in PayloadWriter payload)
    {
        return FinishEmit(destination, MessageHeader.Length + payload.Position);
    }

    /// <summary>Computes and stores the CRC over the first <paramref name="messageLength"/> bytes.</summary>
    internal static int FinishEmit(Span<byte> destination, int messageLength)
    {
        Span<byte> message = destination.Slice(0, messageLength);
        BinaryPrimitives.WriteUInt32BigEndian(message.Slice(MessageHeader.CrcOffset), MessageHeader.ComputeMessageCrc(message));
        return messageLength;
    }
}
