using System;
using System.Buffers.Binary;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// The 32-byte common header, all fields big-endian (docs/protocol.md §3.1):
/// <code>
///  0 magic u32 "URCP"   4 version u8   5 type u8   6 flags u16
///  8 message id u32    12 session id u32
/// 16 sender id u64
/// 24 payload length u16  26 reserved u16 (0)  28 CRC-32 u32
/// </code>
/// </summary>
public readonly struct MessageHeader(MessageType type, MessageIds ids, ushort payloadLength, uint crc)
{
    public const int MagicOffset = 0;
    public const int VersionOffset = 4;
    public const int TypeOffset = 5;
    public const int FlagsOffset = 6;
    public const int MessageIdOffset = 8;
    public const int SessionIdOffset = 12;
    public const int SenderIdOffset = 16;
    public const int PayloadLengthOffset = 24;
    public const int ReservedOffset = 26;
    public const int CrcOffset = 28;
    public const int Length = ProtocolConstants.HeaderLength;

    public MessageType Type { get; } = type;
    public MessageIds Ids { get; } = ids;
    public ushort Flags => Ids.Flags;
    public uint MessageId => Ids.MessageId;
    public uint SessionId => Ids.SessionId;
    public ulong SenderId => Ids.SenderId;
    public ushort PayloadLength { get; } = payloadLength;

    /// <summary>The CRC-32 as carried in the datagram (not necessarily correct).</summary>
    public uint Crc { get; } = crc;

    /// <summary>Whether <paramref name="type"/> is one of the types version 2 can parse (0x01..0x0A, 0x10..0x12).</summary>
    public static bool IsDefinedType(byte type)
    {
        return (type >= (byte)MessageType.Request && type <= (byte)MessageType.Parity)
            || (type >= (byte)MessageType.RecoveryInstruction && type <= (byte)MessageType.AgentReport);
    }

    /// <summary>CRC-32 over the whole message with the CRC field taken as zero (§3.4).</summary>
    public static uint ComputeMessageCrc(ReadOnlySpan<byte> message)
    {
        return Crc32.ComputeWithZeroedWord(message, CrcOffset);
    }

    /// <summary>Writes header fields (CRC as zero) into the first <see cref="Length"/> bytes of <paramref name="destination"/>.</summary>
    internal static void WriteWithoutCrc(Span<byte> destination, MessageType type, in MessageIds ids, int payloadLength)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(MagicOffset), ProtocolConstants.Magic);
        destination[VersionOffset] = ProtocolConstants.Version;
        destination[TypeOffset] = (byte)type;
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(FlagsOffset), ids.Flags);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(MessageIdOffset), ids.MessageId);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(SessionIdOffset), ids.SessionId);
        BinaryPrimitives.WriteUInt64BigEndian(destination.Slice(SenderIdOffset), ids.SenderId);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(PayloadLengthOffset), (ushort)payloadLength);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(ReservedOffset), 0);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(CrcOffset), 0);
    }
}
