using System;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// REQUEST (DISCOVER when broadcast): a recovering client asks for a compatible image
/// (docs/protocol.md §4.1). Header session id is 0. Payload, 48 bytes:
/// <code>
///  0 image type 16        16 current version u32   20 lowest acceptable version u32
/// 24 MAC 6                30 max datagram u16       32 IPv4 address u32 (0 = unknown)
/// 36 held image id u64 (0 = none)                   44 reason u8   45 delivery modes u8
/// 46 reserved u16 (0)
/// </code>
/// </summary>
public readonly struct RequestMessage(
    ImageTypeId imageType, uint currentVersion, uint lowestAcceptableVersion, ulong macAddress,
    ushort maxDatagram, uint ipv4Address, ulong heldImageId, RequestReason reason, DeliveryModes deliveryModes)
    : IFixedLayoutMessage<RequestMessage>
{
    public const int PayloadLength = 48;

    private const int ReservedOffset = 46;

    /// <summary>Platform/image type GUID the client needs (FMP ImageTypeId bytes).</summary>
    public ImageTypeId ImageType { get; } = imageType;

    /// <summary>Version of the firmware present now (0 if unreadable).</summary>
    public uint CurrentVersion { get; } = currentVersion;

    /// <summary>Lowest image version the client will accept (its anti-rollback floor).</summary>
    public uint LowestAcceptableVersion { get; } = lowestAcceptableVersion;

    /// <summary>Client MAC address in the low 48 bits, first octet most significant.</summary>
    public ulong MacAddress { get; } = macAddress;

    /// <summary>Largest UDP payload the client can receive on this path (§5.2).</summary>
    public ushort MaxDatagram { get; } = maxDatagram;

    /// <summary>Client IPv4 address as a big-endian number (192.0.2.1 = 0xC0000201); 0 if unknown.</summary>
    public uint Ipv4Address { get; } = ipv4Address;

    /// <summary>Image id of fragments the client already holds (resume, §6.6); 0 if none.</summary>
    public ulong HeldImageId { get; } = heldImageId;

    public RequestReason Reason { get; } = reason;

    /// <summary>Delivery modes the client can receive; at least one.</summary>
    public DeliveryModes DeliveryModes { get; } = deliveryModes;

    public static WireStatus TryParse(in MessageFrame frame, out RequestMessage message)
    {
        return FixedLayoutCodec.TryParse(frame, MessageType.Request, PayloadLength, ReservedOffset, out message);
    }

    /// <summary>Emits header and payload into <paramref name="destination"/>; writes exactly
    /// <paramref name="written"/> = 32 + 48 bytes. The header's session id must be 0.</summary>
    public WireStatus TryEmit(Span<byte> destination, in MessageIds ids, out int written)
    {
        return FixedLayoutCodec.TryEmit(this, MessageType.Request, PayloadLength, destination, ids, out written);
    }

    WireStatus IFixedLayoutMessage<RequestMessage>.ReadFields(ref PayloadReader fields, out RequestMessage message)
    {
        ImageTypeId.TryRead(fields.ReadBytes(ImageTypeId.Length), out ImageTypeId imageType);
        message = new RequestMessage(
            imageType, fields.ReadUInt32(), fields.ReadUInt32(), fields.ReadMac48(), fields.ReadUInt16(), fields.ReadUInt32(),
            fields.ReadUInt64(), (RequestReason)fields.ReadByte(), (DeliveryModes)fields.ReadByte());
        return WireStatus.Ok;
    }

    void IFixedLayoutMessage<RequestMessage>.WriteFields(ref PayloadWriter fields)
    {
        ImageType.TryWrite(fields.Next(ImageTypeId.Length));
        fields.WriteUInt32(CurrentVersion);
        fields.WriteUInt32(LowestAcceptableVersion);
        fields.WriteMac48(MacAddress);
        fields.WriteUInt16(MaxDatagram);
        fields.WriteUInt32(Ipv4Address);
        fields.WriteUInt64(HeldImageId);
        fields.WriteByte((byte)Reason);
        fields.WriteByte((byte)DeliveryModes);
        fields.WriteZeros(2); // reserved
    }

    /// <summary>A parsed MAC always fits 48 bits; an emitted one must.</summary>
    bool IFixedLayoutMessage<RequestMessage>.HasValidFields(in MessageIds ids)
    {
        return MaxDatagram >= ProtocolLimits.MinDatagram && MaxDatagram <= ProtocolLimits.MaxDatagram
            && DeliveryModes != DeliveryModes.None && ((byte)DeliveryModes & ~(byte)DeliveryModes.All) == 0
            && ids.SessionId == 0 && (MacAddress >> 48) == 0;
    }
}
