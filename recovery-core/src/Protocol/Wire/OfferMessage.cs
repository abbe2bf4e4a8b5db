using System;
using System.Buffers.Binary;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// OFFER: a donor holding a compatible image offers it and a session to join (docs/protocol.md §4.2).
/// Header session id is the (nonzero) session the client would join; header sender id is the donor id.
/// Payload, 56 bytes:
/// <code>
///  0 in-reply-to u32 (REQUEST message id)  4 image id u64   12 image type 16
/// 28 image version u32   32 lowest supported version u32   36 image size u32
/// 40 fragment count u32  44 fragment size u16   46 delivery port u16
/// 48 delivery address u32   52 delivery mode u8   53 donor load u8   54 reserved u16 (0)
/// </code>
/// </summary>
public readonly struct OfferMessage
{
    public const int PayloadLength = 56;

    private const int InReplyToOffset = 0;
    private const int ImageIdOffset = 4;
    private const int ImageTypeOffset = 12;
    private const int VersionOffset = 28;
    private const int LowestSupportedOffset = 32;
    private const int ImageSizeOffset = 36;
    private const int FragmentCountOffset = 40;
    private const int FragmentSizeOffset = 44;
    private const int DeliveryPortOffset = 46;
    private const int DeliveryAddressOffset = 48;
    private const int DeliveryModeOffset = 52;
    private const int LoadOffset = 53;
    private const int ReservedOffset = 54;

    public OfferMessage(
        uint inReplyTo, ulong imageId, ImageTypeId imageType, uint imageVersion, uint lowestSupportedVersion,
        FragmentGeometry geometry, DeliveryMode deliveryMode, uint deliveryAddress, ushort deliveryPort, byte donorLoad)
    {
        InReplyTo = inReplyTo;
        ImageId = imageId;
        ImageType = imageType;
        ImageVersion = imageVersion;
        LowestSupportedVersion = lowestSupportedVersion;
        Geometry = geometry;
        DeliveryMode = deliveryMode;
        DeliveryAddress = deliveryAddress;
        DeliveryPort = deliveryPort;
        DonorLoad = donorLoad;
    }

    /// <summary>Message id of the REQUEST this answers.</summary>
    public uint InReplyTo { get; }

    /// <summary>Nonzero identity of the image bytes: the first 8 bytes of the capsule's SHA-256, big-endian (§4.2).</summary>
    public ulong ImageId { get; }

    public ImageTypeId ImageType { get; }

    /// <summary>FMP version of the offered image.</summary>
    public uint ImageVersion { get; }

    /// <summary>FMP lowest supported version carried by the image.</summary>
    public uint LowestSupportedVersion { get; }

    /// <summary>Image size, fragment size and fragment count, validated consistent.</summary>
    public FragmentGeometry Geometry { get; }

    public DeliveryMode DeliveryMode { get; }

    /// <summary>IPv4 address (big-endian number) DATA and STATUS_REQUEST will be sent to.</summary>
    public uint DeliveryAddress { get; }

    /// <summary>UDP port DATA and STATUS_REQUEST will be sent to (normally <see cref="ProtocolConstants.ClientPort"/>).</summary>
    public ushort DeliveryPort { get; }

    /// <summary>0 = idle .. 255 = saturated; the donor's own estimate.</summary>
    public byte DonorLoad { get; }

    public static WireStatus TryParse(in MessageFrame frame, out OfferMessage message)
    {
        message = default;
        if (frame.Type != MessageType.Offer)
        {
            return WireStatus.WrongType;
        }
        ReadOnlySpan<byte> p = frame.Payload;
        if (p.Length != PayloadLength)
        {
            return WireStatus.BadPayloadLength;
        }
        if (BinaryPrimitives.ReadUInt16BigEndian(p.Slice(ReservedOffset)) != 0)
        {
            return WireStatus.ReservedNotZero;
        }
        ulong imageId = BinaryPrimitives.ReadUInt64BigEndian(p.Slice(ImageIdOffset));
        byte mode = p[DeliveryModeOffset];
        ushort port = BinaryPrimitives.ReadUInt16BigEndian(p.Slice(DeliveryPortOffset));
        uint address = BinaryPrimitives.ReadUInt32BigEndian(p.Slice(DeliveryAddressOffset));
        if (imageId == 0 || frame.Header.SessionId == 0 || !IsKnownMode(mode) || port == 0 || address == 0)
        {
            return WireStatus.BadField;
        }
        if (!FragmentGeometry.TryCreate(
                BinaryPrimitives.ReadUInt32BigEndian(p.Slice(ImageSizeOffset)),
                BinaryPrimitives.ReadUInt16BigEndian(p.Slice(FragmentSizeOffset)),
                BinaryPrimitives.ReadUInt32BigEndian(p.Slice(FragmentCountOffset)),
                out FragmentGeometry geometry))
        {
            return WireStatus.BadField;
        }
        ImageTypeId.TryRead(p.Slice(ImageTypeOffset), out ImageTypeId imageType);
        message = new OfferMessage(
            BinaryPrimitives.ReadUInt32BigEndian(p.Slice(InReplyToOffset)),
            imageId,
            imageType,
            BinaryPrimitives.ReadUInt32BigEndian(p.Slice(VersionOffset)),
            BinaryPrimitives.ReadUInt32BigEndian(p.Slice(LowestSupportedOffset)),
            geometry,
            (DeliveryMode)mode,
            address,
            port,
            p[LoadOffset]);
        return WireStatus.Ok;
    }

    /// <summary>Emits 32 + 56 bytes. The header's session id must be nonzero and the geometry valid.</summary>
    public WireStatus TryEmit(Span<byte> destination, in MessageIds ids, out int written)
    {
        written = 0;
        if (ImageId == 0 || ids.SessionId == 0 || !IsKnownMode((byte)DeliveryMode) || DeliveryPort == 0
            || DeliveryAddress == 0 || Geometry.FragmentCount == 0)
        {
            return WireStatus.BadField;
        }
        WireStatus status = MessageFrame.TryBeginEmit(destination, MessageType.Offer, ids, PayloadLength, out Span<byte> p);
        if (status != WireStatus.Ok)
        {
            return status;
        }
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(InReplyToOffset), InReplyTo);
        BinaryPrimitives.WriteUInt64BigEndian(p.Slice(ImageIdOffset), ImageId);
        ImageType.TryWrite(p.Slice(ImageTypeOffset));
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(VersionOffset), ImageVersion);
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(LowestSupportedOffset), LowestSupportedVersion);
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(ImageSizeOffset), Geometry.ImageSize);
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(FragmentCountOffset), Geometry.FragmentCount);
        BinaryPrimitives.WriteUInt16BigEndian(p.Slice(FragmentSizeOffset), Geometry.FragmentSize);
        BinaryPrimitives.WriteUInt16BigEndian(p.Slice(DeliveryPortOffset), DeliveryPort);
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(DeliveryAddressOffset), DeliveryAddress);
        p[DeliveryModeOffset] = (byte)DeliveryMode;
        p[LoadOffset] = DonorLoad;
        BinaryPrimitives.WriteUInt16BigEndian(p.Slice(ReservedOffset), 0);
        written = MessageFrame.FinishEmit(destination, MessageHeader.Length + PayloadLength);
        return WireStatus.Ok;
    }

    private static bool IsKnownMode(byte mode)
    {
        return mode >= (byte)DeliveryMode.Broadcast && mode <= (byte)DeliveryMode.Unicast;
    }
}
