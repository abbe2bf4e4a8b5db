using System;
using System.Buffers.Binary;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// READINESS: the recovery app, booted because of an instruction, tells its managers it is ready to be
/// updated (docs/protocol.md §4.12), before its first REQUEST. Header session id 0, sender id the MAC (as a
/// REQUEST's). Payload, 56 bytes:
/// <code>
///  0 instruction id u64 (nonzero)   8 MAC 6   14 reserved u16 (0)
/// 16 system UUID 16   32 image type 16   48 current version u32   52 IPv4 address u32 (0 = none yet)
/// </code>
/// </summary>
public readonly struct ReadinessMessage
{
    public const int PayloadLength = 56;

    private const int InstructionIdOffset = 0;
    private const int MacOffset = 8;
    private const int ReservedOffset = 14;
    private const int UuidOffset = 16;
    private const int ImageTypeOffset = 32;
    private const int CurrentVersionOffset = 48;
    private const int AddressOffset = 52;
    private const int MacLength = 6;

    public ReadinessMessage(ulong instructionId, ulong macAddress, SystemUuid systemUuid, ImageTypeId imageType, uint currentVersion, uint ipv4Address)
    {
        InstructionId = instructionId;
        MacAddress = macAddress;
        SystemUuid = systemUuid;
        ImageType = imageType;
        CurrentVersion = currentVersion;
        Ipv4Address = ipv4Address;
    }

    /// <summary>The instruction this boot answers (from the settings the agent wrote).</summary>
    public ulong InstructionId { get; }

    /// <summary>MAC in the low 48 bits; equals the header's sender id.</summary>
    public ulong MacAddress { get; }

    public SystemUuid SystemUuid { get; }

    /// <summary>The image type the app will ask for (its configured one).</summary>
    public ImageTypeId ImageType { get; }

    /// <summary>FMP version running now, 0 if unreadable.</summary>
    public uint CurrentVersion { get; }

    /// <summary>The app's IPv4 address (big-endian number), 0 if it has none yet.</summary>
    public uint Ipv4Address { get; }

    public static WireStatus TryParse(in MessageFrame frame, out ReadinessMessage message)
    {
        message = default;
        WireStatus layout = frame.CheckLayout(MessageType.Readiness, PayloadLength, ReservedOffset);
        if (layout != WireStatus.Ok)
        {
            return layout;
        }
        ReadOnlySpan<byte> p = frame.Payload;
        ulong mac = 0;
        for (int i = 0; i < MacLength; i++)
        {
            mac = (mac << 8) | p[MacOffset + i];
        }
        ulong id = BinaryPrimitives.ReadUInt64BigEndian(p.Slice(InstructionIdOffset));
        if (id == 0 || mac != frame.Header.SenderId || frame.Header.SessionId != 0)
        {
            return WireStatus.BadField;
        }
        ImageTypeId.TryRead(p.Slice(ImageTypeOffset), out ImageTypeId imageType);
        message = new ReadinessMessage(
            id, mac, SystemUuid.Read(p.Slice(UuidOffset)), imageType,
            BinaryPrimitives.ReadUInt32BigEndian(p.Slice(CurrentVersionOffset)),
            BinaryPrimitives.ReadUInt32BigEndian(p.Slice(AddressOffset)));
        return WireStatus.Ok;
    }

    /// <summary>Emits 32 + 56 bytes; the header's sender id must be the MAC and its session id 0.</summary>
    public WireStatus TryEmit(Span<byte> destination, in MessageIds ids, out int written)
    {
        written = 0;
        if (InstructionId == 0 || MacAddress == 0 || (MacAddress >> 48) != 0 || ids.SenderId != MacAddress || ids.SessionId != 0)
        {
            return WireStatus.BadField;
        }
        WireStatus status = MessageFrame.TryBeginEmit(destination, MessageType.Readiness, ids, PayloadLength, out Span<byte> p);
        if (status != WireStatus.Ok)
        {
            return status;
        }
        BinaryPrimitives.WriteUInt64BigEndian(p.Slice(InstructionIdOffset), InstructionId);
        for (int i = 0; i < MacLength; i++)
        {
            p[MacOffset + i] = (byte)(MacAddress >> (8 * (MacLength - 1 - i)));
        }
        BinaryPrimitives.WriteUInt16BigEndian(p.Slice(ReservedOffset), 0);
        SystemUuid.Write(p.Slice(UuidOffset));
        ImageType.TryWrite(p.Slice(ImageTypeOffset));
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(CurrentVersionOffset), CurrentVersion);
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(AddressOffset), Ipv4Address);
        written = MessageFrame.FinishEmit(destination, MessageHeader.Length + PayloadLength);
        return WireStatus.Ok;
    }
}
