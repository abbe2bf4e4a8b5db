using System;
using System.Buffers.Binary;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// RECOVERY_INSTRUCTION: the manager tells the agent in a machine's running OS to reboot it into recovery
/// (docs/protocol.md §4.11). Always signed (RSA-2048, <see cref="InstructionSignature"/>); header session
/// id 0, sender id the manager's donor id. Payload, 104 fixed bytes, the modulus and the signature (616):
/// <code>
///  0 instruction id u64 (nonzero)   8 counter u64 (nonzero, strictly increasing per key)
/// 16 expiry u64 (Unix seconds, UTC)   24 target MAC 6   30 manager count u8 (1..4)   31 signature kind u8 (1)
/// 32 target system UUID 16   48 image type 16   64 image version u32   68 reserved u32 (0)
/// 72 managers 4 × (IPv4 u32, port u16, reserved u16)   104 RSA modulus 256   360 signature 256
/// </code>
/// </summary>
public readonly struct InstructionMessage
{
    /// <summary>The fields before the modulus.</summary>
    public const int FixedLength = 104;

    /// <summary>The whole payload: fixed fields, modulus and signature.</summary>
    public const int PayloadLength = FixedLength + OfferSignature.Rsa2048BlockLength;

    private const int InstructionIdOffset = 0;
    private const int CounterOffset = 8;
    private const int ExpiryOffset = 16;
    private const int MacOffset = 24;
    private const int ManagerCountOffset = 30;
    private const int SignatureKindOffset = 31;
    private const int UuidOffset = 32;
    private const int ImageTypeOffset = 48;
    private const int ImageVersionOffset = 64;
    private const int ReservedOffset = 68;
    private const int ManagersOffset = 72;
    private const int MacLength = 6;

    public InstructionMessage(
        ulong instructionId, ulong counter, ulong expiryUnixSeconds, ulong targetMac, SystemUuid targetUuid,
        ImageTypeId imageType, uint imageVersion, ManagerList managers)
    {
        InstructionId = instructionId;
        Counter = counter;
        ExpiryUnixSeconds = expiryUnixSeconds;
        TargetMac = targetMac;
        TargetUuid = targetUuid;
        ImageType = imageType;
        ImageVersion = imageVersion;
        Managers = managers;
    }

    /// <summary>Names this instruction in AGENT_REPORT, READINESS, the config variable and the manager's log.</summary>
    public ulong InstructionId { get; }

    /// <summary>The agent takes an instruction only when this is above every counter it took before under the same key.</summary>
    public ulong Counter { get; }

    /// <summary>Seconds since 1970-01-01 UTC at which the instruction stops being valid.</summary>
    public ulong ExpiryUnixSeconds { get; }

    /// <summary>MAC of one of the target's NICs, in the low 48 bits.</summary>
    public ulong TargetMac { get; }

    /// <summary>SMBIOS system UUID of the target.</summary>
    public SystemUuid TargetUuid { get; }

    /// <summary>The FMP image type the manager means to install (the app still asks for its own configured type).</summary>
    public ImageTypeId ImageType { get; }

    /// <summary>The version the manager means to install: for its log, a claim until the capsule is verified.</summary>
    public uint ImageVersion { get; }

    /// <summary>Where the agent reports and the booted app sends READINESS and REQUEST.</summary>
    public ManagerList Managers { get; }

    public static WireStatus TryParse(in MessageFrame frame, out InstructionMessage message)
    {
        message = default;
        WireStatus layout = frame.CheckLayout(MessageType.RecoveryInstruction, PayloadLength, MessageFrame.NoReservedField);
        if (layout != WireStatus.Ok)
        {
            return layout;
        }
        ReadOnlySpan<byte> p = frame.Payload;
        if (BinaryPrimitives.ReadUInt32BigEndian(p.Slice(ReservedOffset)) != 0)
        {
            return WireStatus.ReservedNotZero;
        }
        ulong id = BinaryPrimitives.ReadUInt64BigEndian(p.Slice(InstructionIdOffset));
        ulong counter = BinaryPrimitives.ReadUInt64BigEndian(p.Slice(CounterOffset));
        ulong mac = 0;
        for (int i = 0; i < MacLength; i++)
        {
            mac = (mac << 8) | p[MacOffset + i];
        }
        SystemUuid uuid = SystemUuid.Read(p.Slice(UuidOffset));
        if (id == 0 || counter == 0 || mac == 0 || uuid.IsUnset || frame.Header.SessionId != 0
            || p[SignatureKindOffset] != (byte)OfferSignatureKind.Rsa2048Sha256
            || p[FixedLength] < 0x80)
        {
            return WireStatus.BadField;
        }
        if (!ManagerList.TryRead(p.Slice(ManagersOffset), p[ManagerCountOffset], out ManagerList managers))
        {
            return WireStatus.BadField;
        }
        ImageTypeId.TryRead(p.Slice(ImageTypeOffset), out ImageTypeId imageType);
        message = new InstructionMessage(
            id, counter, BinaryPrimitives.ReadUInt64BigEndian(p.Slice(ExpiryOffset)), mac, uuid, imageType,
            BinaryPrimitives.ReadUInt32BigEndian(p.Slice(ImageVersionOffset)), managers);
        return WireStatus.Ok;
    }

    /// <summary>
    /// First half of an emit: header, fixed fields and <paramref name="modulus"/> (256 bytes, top bit set);
    /// the signature and the CRC follow with <see cref="InstructionSignature.TryFinish"/>.
    /// </summary>
    public WireStatus TryBeginEmit(Span<byte> destination, in MessageIds ids, ReadOnlySpan<byte> modulus)
    {
        if (InstructionId == 0 || Counter == 0 || TargetMac == 0 || (TargetMac >> 48) != 0 || TargetUuid.IsUnset
            || ids.SessionId != 0 || modulus.Length != OfferSignature.Rsa2048Bytes || modulus[0] < 0x80 || !Managers.IsValid)
        {
            return WireStatus.BadField;
        }
        WireStatus status = MessageFrame.TryBeginEmit(destination, MessageType.RecoveryInstruction, ids, PayloadLength, out Span<byte> p);
        if (status != WireStatus.Ok)
        {
            return status;
        }
        BinaryPrimitives.WriteUInt64BigEndian(p.Slice(InstructionIdOffset), InstructionId);
        BinaryPrimitives.WriteUInt64BigEndian(p.Slice(CounterOffset), Counter);
        BinaryPrimitives.WriteUInt64BigEndian(p.Slice(ExpiryOffset), ExpiryUnixSeconds);
        for (int i = 0; i < MacLength; i++)
        {
            p[MacOffset + i] = (byte)(TargetMac >> (8 * (MacLength - 1 - i)));
        }
        Managers.TryWrite(p.Slice(ManagersOffset));
        p[ManagerCountOffset] = (byte)Managers.Count;
        p[SignatureKindOffset] = (byte)OfferSignatureKind.Rsa2048Sha256;
        TargetUuid.Write(p.Slice(UuidOffset));
        ImageType.TryWrite(p.Slice(ImageTypeOffset));
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(ImageVersionOffset), ImageVersion);
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(ReservedOffset), 0);
        modulus.CopyTo(p.Slice(FixedLength));
        p.Slice(FixedLength + OfferSignature.Rsa2048Bytes).Clear();
        return WireStatus.Ok;
    }
}
