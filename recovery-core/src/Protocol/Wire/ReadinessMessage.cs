using System;

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
public readonly struct ReadinessMessage(
    ulong instructionId, ulong macAddress, SystemUuid systemUuid, ImageTypeId imageType, uint currentVersion, uint ipv4Address)
    : IFixedLayoutMessage<ReadinessMessage>
{
    public const int PayloadLength = 56;

    private const int ReservedOffset = 14;

    /// <summary>The instruction this boot answers (from the settings the agent wrote).</summary>
    public ulong InstructionId { get; } = instructionId;

    /// <summary>MAC in the low 48 bits; equals the header's sender id.</summary>
    public ulong MacAddress { get; } = macAddress;

    public SystemUuid SystemUuid { get; } = systemUuid;

    /// <summary>The image type the app will ask for (its configured one).</summary>
    public ImageTypeId ImageType { get; } = imageType;

    /// <summary>FMP version running now, 0 if unreadable.</summary>
    public uint CurrentVersion { get; } = currentVersion;

    /// <summary>The app's IPv4 address (big-endian number), 0 if it has none yet.</summary>
    public uint Ipv4Address { get; } = ipv4Address;

    public static WireStatus TryParse(in MessageFrame frame, out ReadinessMessage message)
    {
        return FixedLayoutCodec.TryParse(frame, MessageType.Readiness, PayloadLength, ReservedOffset, out message);
    }

    /// <summary>Emits 32 + 56 bytes; the header's sender id must be the MAC and its session id 0.</summary>
    public WireStatus TryEmit(Span<byte> destination, in MessageIds ids, out int written)
    {
        return FixedLayoutCodec.TryEmit(this, MessageType.Readiness, PayloadLength, destination, ids, out written);
    }

    WireStatus IFixedLayoutMessage<ReadinessMessage>.ReadFields(ref PayloadReader fields, out ReadinessMessage message)
    {
        ulong id = fields.ReadUInt64();
        ulong mac = fields.ReadMac48();
        fields.Skip(2); // reserved, checked by the layout
        SystemUuid uuid = SystemUuid.Read(fields.ReadBytes(SystemUuid.Length));
        ImageTypeId.TryRead(fields.ReadBytes(ImageTypeId.Length), out ImageTypeId imageType);
        message = new ReadinessMessage(id, mac, uuid, imageType, fields.ReadUInt32(), fields.ReadUInt32());
        return WireStatus.Ok;
    }

    void IFixedLayoutMessage<ReadinessMessage>.WriteFields(ref PayloadWriter fields)
    {
        fields.WriteUInt64(InstructionId);
        fields.WriteMac48(MacAddress);
        fields.WriteZeros(2); // reserved
        SystemUuid.Write(fields.Next(SystemUuid.Length));
        ImageType.TryWrite(fields.Next(ImageTypeId.Length));
        fields.WriteUInt32(CurrentVersion);
        fields.WriteUInt32(Ipv4Address);
    }

    /// <summary>A nonzero id, a 48-bit MAC equal to the header's sender id, session id 0.</summary>
    bool IFixedLayoutMessage<ReadinessMessage>.HasValidFields(in MessageIds ids)
    {
        return InstructionId != 0 && MacAddress != 0 && (MacAddress >> 48) == 0 && ids.SenderId == MacAddress && ids.SessionId == 0;
    }
}
