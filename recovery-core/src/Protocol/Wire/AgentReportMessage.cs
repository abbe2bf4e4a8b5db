using System;
using System.Buffers.Binary;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// AGENT_REPORT: the agent tells its managers what it did with a verified instruction, and which firmware
/// runs (docs/protocol.md §4.13). Header session id 0, sender id the MAC. Payload, 44 + v bytes:
/// <code>
///  0 instruction id u64 (0 = none)   8 counter u64 (that instruction's, 0 = none)
/// 16 MAC 6   22 state u8 (1 rebooting, 2 failed, 3 running)   23 firmware version length v u8 (0..64)
/// 24 system UUID 16   40 failure u16 (0 unless state 2)   42 boot entry u16 (Boot#### used; 0xFFFF = none)
/// 44 firmware version: v bytes of printable ASCII (SMBIOS type 0 BIOS version)
/// </code>
/// Not authenticated (the agent holds no key): the manager treats it as a claim and closes an instruction
/// only on the READINESS and RESULT that follow.
/// </summary>
public readonly struct AgentReportMessage
{
    /// <summary>The fixed part; the firmware version text follows.</summary>
    public const int FixedLength = 44;

    /// <summary>Longest firmware version text.</summary>
    public const int MaxVersionLength = 64;

    /// <summary>"No boot entry" in the boot entry field.</summary>
    public const ushort NoBootEntry = 0xFFFF;

    private const int InstructionIdOffset = 0;
    private const int CounterOffset = 8;
    private const int MacOffset = 16;
    private const int StateOffset = 22;
    private const int VersionLengthOffset = 23;
    private const int UuidOffset = 24;
    private const int FailureOffset = 40;
    private const int BootEntryOffset = 42;
    private const int MacLength = 6;

    public AgentReportMessage(
        ulong instructionId, ulong counter, ulong macAddress, AgentState state, SystemUuid systemUuid,
        AgentFailure failure, ushort bootEntry)
    {
        InstructionId = instructionId;
        Counter = counter;
        MacAddress = macAddress;
        State = state;
        SystemUuid = systemUuid;
        Failure = failure;
        BootEntry = bootEntry;
    }

    public ulong InstructionId { get; }
    public ulong Counter { get; }

    /// <summary>The MAC the instruction named (or, in a Running report, the agent's reporting NIC); equals the sender id.</summary>
    public ulong MacAddress { get; }

    public AgentState State { get; }
    public SystemUuid SystemUuid { get; }
    public AgentFailure Failure { get; }

    /// <summary>The Boot#### number of the recovery entry, or <see cref="NoBootEntry"/>.</summary>
    public ushort BootEntry { get; }

    /// <summary>Parses the report, checking the version text without handing it out.</summary>
    public static WireStatus TryParse(in MessageFrame frame, out AgentReportMessage message)
    {
        return TryParse(frame, out message, out _);
    }

    /// <summary>Parses the report; <paramref name="firmwareVersion"/> is the version text (empty on failure).</summary>
    public static WireStatus TryParse(in MessageFrame frame, out AgentReportMessage message, out ReadOnlySpan<byte> firmwareVersion)
    {
        message = default;
        firmwareVersion = ReadOnlySpan<byte>.Empty;
        if (frame.Type != MessageType.AgentReport)
        {
            return WireStatus.WrongType;
        }
        ReadOnlySpan<byte> p = frame.Payload;
        if (p.Length < FixedLength)
        {
            return WireStatus.BadPayloadLength;
        }
        int versionLength = p[VersionLengthOffset];
        if (versionLength > MaxVersionLength || p.Length != FixedLength + versionLength)
        {
            return WireStatus.BadPayloadLength;
        }
        ReadOnlySpan<byte> version = p.Slice(FixedLength, versionLength);
        ulong mac = 0;
        for (int i = 0; i < MacLength; i++)
        {
            mac = (mac << 8) | p[MacOffset + i];
        }
        byte state = p[StateOffset];
        ushort failure = BinaryPrimitives.ReadUInt16BigEndian(p.Slice(FailureOffset));
        if (mac != frame.Header.SenderId || frame.Header.SessionId != 0 || !IsConsistent(state, failure) || !IsPrintable(version))
        {
            return WireStatus.BadField;
        }
        message = new AgentReportMessage(
            BinaryPrimitives.ReadUInt64BigEndian(p.Slice(InstructionIdOffset)),
            BinaryPrimitives.ReadUInt64BigEndian(p.Slice(CounterOffset)),
            mac, (AgentState)state, SystemUuid.Read(p.Slice(UuidOffset)), (AgentFailure)failure,
            BinaryPrimitives.ReadUInt16BigEndian(p.Slice(BootEntryOffset)));
        firmwareVersion = version;
        return WireStatus.Ok;
    }

    /// <summary>Emits 32 + 44 + v bytes; <paramref name="firmwareVersion"/> is printable ASCII of at most 64 bytes.</summary>
    public WireStatus TryEmit(Span<byte> destination, in MessageIds ids, ReadOnlySpan<byte> firmwareVersion, out int written)
    {
        written = 0;
        if (MacAddress == 0 || (MacAddress >> 48) != 0 || ids.SenderId != MacAddress || ids.SessionId != 0
            || !IsConsistent((byte)State, (ushort)Failure)
            || firmwareVersion.Length > MaxVersionLength || !IsPrintable(firmwareVersion))
        {
            return WireStatus.BadField;
        }
        int payloadLength = FixedLength + firmwareVersion.Length;
        WireStatus status = MessageFrame.TryBeginEmit(destination, MessageType.AgentReport, ids, payloadLength, out Span<byte> p);
        if (status != WireStatus.Ok)
        {
            return status;
        }
        BinaryPrimitives.WriteUInt64BigEndian(p.Slice(InstructionIdOffset), InstructionId);
        BinaryPrimitives.WriteUInt64BigEndian(p.Slice(CounterOffset), Counter);
        for (int i = 0; i < MacLength; i++)
        {
            p[MacOffset + i] = (byte)(MacAddress >> (8 * (MacLength - 1 - i)));
        }
        p[StateOffset] = (byte)State;
        p[VersionLengthOffset] = (byte)firmwareVersion.Length;
        SystemUuid.Write(p.Slice(UuidOffset));
        BinaryPrimitives.WriteUInt16BigEndian(p.Slice(FailureOffset), (ushort)Failure);
        BinaryPrimitives.WriteUInt16BigEndian(p.Slice(BootEntryOffset), BootEntry);
        firmwareVersion.CopyTo(p.Slice(FixedLength));
        written = MessageFrame.FinishEmit(destination, MessageHeader.Length + payloadLength);
        return WireStatus.Ok;
    }

    // A failure reason exactly when the state is Failed; states 1..3 only.
    private static bool IsConsistent(byte state, ushort failure)
    {
        if (state < (byte)AgentState.Rebooting || state > (byte)AgentState.Running)
        {
            return false;
        }
        return (state == (byte)AgentState.Failed) == (failure != 0);
    }

    private static bool IsPrintable(ReadOnlySpan<byte> text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] < 0x20 || text[i] > 0x7E)
            {
                return false;
            }
        }
        return true;
    }
}
