using System;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// OFFER: a donor holding a compatible image offers it and a session to join (docs/protocol.md §4.2).
/// Header session id is the (nonzero) session the client would join; header sender id is the donor id.
/// Payload, 96 bytes, then 512 more when signed:
/// <code>
///  0 in-reply-to u32 (REQUEST message id)  4 image id u64   12 image type 16
/// 28 image version u32   32 lowest supported version u32   36 image size u32
/// 40 fragment count u32  44 fragment size u16   46 delivery port u16
/// 48 delivery address u32   52 delivery mode u8   53 donor load u8
/// 54 manifest group shift u8 (0..8)   55 signature kind u8 (0 none, 1 RSA-2048/SHA-256)
/// 56 member token u64 (nonzero)   64 manifest root 16   80 abort commitment 16
/// 96 (kind 1) RSA modulus 256   352 (kind 1) signature 256
/// </code>
/// The signature itself is handled by <see cref="OfferSignature"/>; this type carries its kind only.
/// </summary>
public readonly struct OfferMessage
{
    /// <summary>Payload of an unsigned OFFER.</summary>
    public const int PayloadLength = 96;

    /// <summary>Payload of an RSA-2048 signed OFFER: the fixed part, the modulus and the signature.</summary>
    public const int SignedPayloadLength = PayloadLength + OfferSignature.Rsa2048BlockLength;

    /// <summary>Largest manifest group shift: a MANIFEST covers at most 256 fragments.</summary>
    public const byte MaxGroupShift = 8;

    /// <summary>Read first: it decides the payload length.</summary>
    private const int SignatureKindOffset = 55;

    public OfferMessage(
        uint inReplyTo, ulong imageId, ImageTypeId imageType, uint imageVersion, uint lowestSupportedVersion,
        FragmentGeometry geometry, DeliveryMode deliveryMode, uint deliveryAddress, ushort deliveryPort, byte donorLoad,
        OfferBinding binding)
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
        Binding = binding;
        SignatureKind = OfferSignatureKind.None;
    }

    private OfferMessage(in OfferMessage fields, OfferSignatureKind signatureKind)
        : this(fields.InReplyTo, fields.ImageId, fields.ImageType, fields.ImageVersion, fields.LowestSupportedVersion,
            fields.Geometry, fields.DeliveryMode, fields.DeliveryAddress, fields.DeliveryPort, fields.DonorLoad, fields.Binding)
    {
        SignatureKind = signatureKind;
    }

    /// <summary>Message id of the REQUEST this answers.</summary>
    public uint InReplyTo { get; }

    /// <summary>Nonzero identity of the image bytes: the first 8 bytes of the capsule's SHA-256, big-endian (§4.2).</summary>
    public ulong ImageId { get; }

    public ImageTypeId ImageType { get; }

    /// <summary>FMP version of the offered image: a claim until the capsule is verified (§6.7).</summary>
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

    /// <summary>What ties the session to this offer: member token, manifest root and group shift, abort commitment.</summary>
    public OfferBinding Binding { get; }

    /// <summary>Whether a signature follows the fixed fields (checked by <see cref="OfferSignature"/>, not here).</summary>
    public OfferSignatureKind SignatureKind { get; }

    public static WireStatus TryParse(in MessageFrame frame, out OfferMessage message)
    {
        message = default;
        WireStatus prefix = frame.CheckPrefix(MessageType.Offer, PayloadLength);
        if (prefix != WireStatus.Ok)
        {
            return prefix;
        }
        ReadOnlySpan<byte> p = frame.Payload;
        byte kind = p[SignatureKindOffset];
        if (kind > (byte)OfferSignatureKind.Rsa2048Sha256)
        {
            return WireStatus.BadField;
        }
        if (p.Length != (kind == (byte)OfferSignatureKind.None ? PayloadLength : SignedPayloadLength))
        {
            return WireStatus.BadPayloadLength;
        }
        var fields = new PayloadReader(p);
        uint inReplyTo = fields.ReadUInt32();
        ulong imageId = fields.ReadUInt64();
        ImageTypeId.TryRead(fields.ReadBytes(ImageTypeId.Length), out ImageTypeId imageType);
        uint version = fields.ReadUInt32();
        uint lowestSupported = fields.ReadUInt32();
        uint imageSize = fields.ReadUInt32();
        uint fragmentCount = fields.ReadUInt32();
        ushort fragmentSize = fields.ReadUInt16();
        ushort port = fields.ReadUInt16();
        uint address = fields.ReadUInt32();
        byte mode = fields.ReadByte();
        byte load = fields.ReadByte();
        byte groupShift = fields.ReadByte();
        fields.Skip(1); // signature kind, read above
        ulong token = fields.ReadUInt64();
        if (imageId == 0 || frame.Header.SessionId == 0 || !IsKnownMode(mode) || port == 0 || address == 0
            || groupShift > MaxGroupShift || token == 0)
        {
            return WireStatus.BadField;
        }
        if (!FragmentGeometry.TryCreate(imageSize, fragmentSize, fragmentCount, out FragmentGeometry geometry))
        {
            return WireStatus.BadField;
        }
        var binding = new OfferBinding(token, fields.ReadHash128(), groupShift, fields.ReadHash128());
        var unsigned = new OfferMessage(
            inReplyTo, imageId, imageType, version, lowestSupported, geometry, (DeliveryMode)mode, address, port, load, binding);
        message = new OfferMessage(unsigned, (OfferSignatureKind)kind);
        return WireStatus.Ok;
    }

    /// <summary>Emits an unsigned OFFER: 32 + 96 bytes. The header's session id must be nonzero and the geometry valid.</summary>
    public WireStatus TryEmit(Span<byte> destination, in MessageIds ids, out int written)
    {
        written = 0;
        WireStatus status = TryWriteFields(destination, ids, PayloadLength, OfferSignatureKind.None);
        if (status != WireStatus.Ok)
        {
            return status;
        }
        written = MessageFrame.FinishEmit(destination, MessageHeader.Length + PayloadLength);
        return WireStatus.Ok;
    }

    /// <summary>
    /// First half of a signed emit: writes the header, the fixed fields and <paramref name="modulus"/>
    /// (256 bytes) and leaves the signature and the CRC to <see cref="OfferSignature.TryFinish"/>.
    /// </summary>
    public WireStatus TryBeginSignedEmit(Span<byte> destination, in MessageIds ids, ReadOnlySpan<byte> modulus)
    {
        if (modulus.Length != OfferSignature.Rsa2048Bytes || modulus[0] < 0x80)
        {
            return WireStatus.BadField;
        }
        WireStatus status = TryWriteFields(destination, ids, SignedPayloadLength, OfferSignatureKind.Rsa2048Sha256);
        if (status != WireStatus.Ok)
        {
            return status;
        }
        Span<byte> p = destination.Slice(MessageHeader.Length, SignedPayloadLength);
        modulus.CopyTo(p.Slice(PayloadLength));
        p.Slice(PayloadLength + OfferSignature.Rsa2048Bytes).Clear();
        return WireStatus.Ok;
    }

    private WireStatus TryWriteFields(Span<byte> destination, in MessageIds ids, int payloadLength, OfferSignatureKind kind)
    {
        if (ImageId == 0 || ids.SessionId == 0 || !IsKnownMode((byte)DeliveryMode) || DeliveryPort == 0
            || DeliveryAddress == 0 || Geometry.FragmentCount == 0 || Binding.MemberToken == 0
            || Binding.GroupShift > MaxGroupShift)
        {
            return WireStatus.BadField;
        }
        WireStatus status = MessageFrame.TryBeginEmit(destination, MessageType.Offer, ids, payloadLength, out Span<byte> p);
        if (status != WireStatus.Ok)
        {
            return status;
        }
        var fields = new PayloadWriter(p);
        fields.WriteUInt32(InReplyTo);
        fields.WriteUInt64(ImageId);
        ImageType.TryWrite(fields.Next(ImageTypeId.Length));
        fields.WriteUInt32(ImageVersion);
        fields.WriteUInt32(LowestSupportedVersion);
        fields.WriteUInt32(Geometry.ImageSize);
        fields.WriteUInt32(Geometry.FragmentCount);
        fields.WriteUInt16(Geometry.FragmentSize);
        fields.WriteUInt16(DeliveryPort);
        fields.WriteUInt32(DeliveryAddress);
        fields.WriteByte((byte)DeliveryMode);
        fields.WriteByte(DonorLoad);
        fields.WriteByte(Binding.GroupShift);
        fields.WriteByte((byte)kind);
        fields.WriteUInt64(Binding.MemberToken);
        fields.WriteHash128(Binding.ManifestRoot);
        fields.WriteHash128(Binding.AbortCommitment);
        return WireStatus.Ok;
    }

    private static bool IsKnownMode(byte mode)
    {
        return mode >= (byte)DeliveryMode.Broadcast && mode <= (byte)DeliveryMode.Unicast;
    }
}
