using System;
using System.Buffers.Binary;

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
public readonly struct RequestMessage
{
    public const int PayloadLength = 48;

    private const int ImageTypeOffset = 0;
    private const int CurrentVersionOffset = 16;
    private const int LowestVersionOffset = 20;
    private const int MacOffset = 24;
    private const int MaxDatagramOffset = 30;
    private const int AddressOffset = 32;
    private const int HeldImageIdOffset = 36;
    private const int ReasonOffset = 44;
    private const int ModesOffset = 45;
    private const int ReservedOffset = 46;
    private const int MacLength = 6;

    public RequestMessage(
        ImageTypeId imageType, uint currentVersion, uint lowestAcceptableVersion, ulong macAddress,
        ushort maxDatagram, uint ipv4Address, ulong heldImageId, RequestReason reason, DeliveryModes deliveryModes)
    {
        ImageType = imageType;
        CurrentVersion = currentVersion;
        LowestAcceptableVersion = lowestAcceptableVersion;
        MacAddress = macAddress;
        MaxDatagram = maxDatagram;
        Ipv4Address = ipv4Address;
        HeldImageId = heldImageId;
        Reason = reason;
        DeliveryModes = deliveryModes;
    }

    /// <summary>Platform/image type GUID the client needs (FMP ImageTypeId bytes).</summary>
    public ImageTypeId ImageType { get; }

    /// <summary>Version of the firmware present now (0 if unreadable).</summary>
    public uint CurrentVersion { get; }

    /// <summary>Lowest image version the client will accept (its anti-rollback floor).</summary>
    public uint LowestAcceptableVersion { get; }

    /// <summary>Client MAC address in the low 48 bits, first octet most significant.</summary>
    public ulong MacAddress { get; }

    /// <summary>Largest UDP payload the client can receive on this path (§5.2).</summary>
    public ushort MaxDatagram { get; }

    /// <summary>Client IPv4 address as a big-endian number (192.0.2.1 = 0xC0000201); 0 if unknown.</summary>
    public uint Ipv4Address { get; }

    /// <summary>Image id of fragments the client already holds (resume, §6.6); 0 if none.</summary>
    public ulong HeldImageId { get; }

    public RequestReason Reason { get; }

    /// <summary>Delivery modes the client can receive; at least one.</summary>
    public DeliveryModes DeliveryModes { get; }

    public static WireStatus TryParse(in MessageFrame frame, out RequestMessage message)
    {
        message = default;
        WireStatus layout = frame.CheckLayout(MessageType.Request, PayloadLength, ReservedOffset);
        if (layout != WireStatus.Ok)
        {
            return layout;
        }
        ReadOnlySpan<byte> p = frame.Payload;
        ushort maxDatagram = BinaryPrimitives.ReadUInt16BigEndian(p.Slice(MaxDatagramOffset));
        byte modes = p[ModesOffset];
        if (maxDatagram < ProtocolLimits.MinDatagram || maxDatagram > ProtocolLimits.MaxDatagram
            || modes == 0 || (modes & ~(byte)DeliveryModes.All) != 0
            || frame.Header.SessionId != 0)
        {
            return WireStatus.BadField;
        }
        ulong mac = 0;
        for (int i = 0; i < MacLength; i++)
        {
            mac = (mac << 8) | p[MacOffset + i];
        }
        ImageTypeId.TryRead(p.Slice(ImageTypeOffset), out ImageTypeId imageType);
        message = new RequestMessage(
            imageType,
            BinaryPrimitives.ReadUInt32BigEndian(p.Slice(CurrentVersionOffset)),
            BinaryPrimitives.ReadUInt32BigEndian(p.Slice(LowestVersionOffset)),
            mac,
            maxDatagram,
            BinaryPrimitives.ReadUInt32BigEndian(p.Slice(AddressOffset)),
            BinaryPrimitives.ReadUInt64BigEndian(p.Slice(HeldImageIdOffset)),
            (RequestReason)p[ReasonOffset],
            (DeliveryModes)modes);
        return WireStatus.Ok;
    }

    /// <summary>Emits header and payload into <paramref name="destination"/>; writes exactly
    /// <paramref name="written"/> = 32 + 48 bytes. The header's session id must be 0.</summary>
    public WireStatus TryEmit(Span<byte> destination, in MessageIds ids, out int written)
    {
        written = 0;
        if (MaxDatagram < ProtocolLimits.MinDatagram || MaxDatagram > ProtocolLimits.MaxDatagram
            || DeliveryModes == DeliveryModes.None || ((byte)DeliveryModes & ~(byte)DeliveryModes.All) != 0
            || ids.SessionId != 0 || (MacAddress >> 48) != 0)
        {
            return WireStatus.BadField;
        }
        WireStatus status = MessageFrame.TryBeginEmit(destination, MessageType.Request, ids, PayloadLength, out Span<byte> p);
        if (status != WireStatus.Ok)
        {
            return status;
        }
        ImageType.TryWrite(p.Slice(ImageTypeOffset));
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(CurrentVersionOffset), CurrentVersion);
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(LowestVersionOffset), LowestAcceptableVersion);
        for (int i = 0; i < MacLength; i++)
        {
            p[MacOffset + i] = (byte)(MacAddress >> (8 * (MacLength - 1 - i)));
        }
        BinaryPrimitives.WriteUInt16BigEndian(p.Slice(MaxDatagramOffset), MaxDatagram);
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(AddressOffset), Ipv4Address);
        BinaryPrimitives.WriteUInt64BigEndian(p.Slice(HeldImageIdOffset), HeldImageId);
        p[ReasonOffset] = (byte)Reason;
        p[ModesOffset] = (byte)DeliveryModes;
        BinaryPrimitives.WriteUInt16BigEndian(p.Slice(ReservedOffset), 0);
        written = MessageFrame.FinishEmit(destination, MessageHeader.Length + PayloadLength);
        return WireStatus.Ok;
    }
}
