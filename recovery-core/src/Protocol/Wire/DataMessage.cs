using System;
using System.Buffers.Binary;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// DATA: one numbered fragment of the session's image (docs/protocol.md §4.4). Header session id is the
/// session. Payload: an 8-byte prefix, then 1..65535-40 fragment bytes:
/// <code>
///  0 fragment index u32   4 pass u16 (0 = first pass, n = n-th repair pass)   6 reserved u16 (0)
///  8 fragment bytes
/// </code>
/// A view over the received bytes; the fragment is not copied.
/// </summary>
public readonly ref struct DataMessage
{
    public const int PrefixLength = ProtocolConstants.DataPrefixLength;

    private const int IndexOffset = 0;
    private const int PassOffset = 4;
    private const int ReservedOffset = 6;

    private DataMessage(uint fragmentIndex, ushort pass, ReadOnlySpan<byte> fragment)
    {
        FragmentIndex = fragmentIndex;
        Pass = pass;
        Fragment = fragment;
    }

    public uint FragmentIndex { get; }
    public ushort Pass { get; }

    /// <summary>The fragment bytes (a slice of the received datagram).</summary>
    public ReadOnlySpan<byte> Fragment { get; }

    public static WireStatus TryParse(in MessageFrame frame, out DataMessage message)
    {
        message = default;
        if (frame.Type != MessageType.Data)
        {
            return WireStatus.WrongType;
        }
        ReadOnlySpan<byte> p = frame.Payload;
        if (p.Length <= PrefixLength)
        {
            return WireStatus.BadPayloadLength;
        }
        if (BinaryPrimitives.ReadUInt16BigEndian(p.Slice(ReservedOffset)) != 0)
        {
            return WireStatus.ReservedNotZero;
        }
        if (frame.Header.SessionId == 0)
        {
            return WireStatus.BadField;
        }
        message = new DataMessage(
            BinaryPrimitives.ReadUInt32BigEndian(p.Slice(IndexOffset)),
            BinaryPrimitives.ReadUInt16BigEndian(p.Slice(PassOffset)),
            p.Slice(PrefixLength));
        return WireStatus.Ok;
    }

    /// <summary>Bytes a DATA message with <paramref name="fragmentLength"/> fragment bytes occupies.</summary>
    public static int MessageLength(int fragmentLength)
    {
        return ProtocolConstants.FragmentOverhead + fragmentLength;
    }

    /// <summary>Emits 40 + fragment.Length bytes; the fragment is copied once, straight into the datagram.</summary>
    public static WireStatus TryEmit(
        Span<byte> destination, in MessageIds ids, uint fragmentIndex, ushort pass, ReadOnlySpan<byte> fragment,
        out int written)
    {
        written = 0;
        if (ids.SessionId == 0 || fragment.IsEmpty)
        {
            return WireStatus.BadField;
        }
        WireStatus status = MessageFrame.TryBeginEmit(
            destination, MessageType.Data, ids, PrefixLength + fragment.Length, out Span<byte> p);
        if (status != WireStatus.Ok)
        {
            return status;
        }
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(IndexOffset), fragmentIndex);
        BinaryPrimitives.WriteUInt16BigEndian(p.Slice(PassOffset), pass);
        BinaryPrimitives.WriteUInt16BigEndian(p.Slice(ReservedOffset), 0);
        fragment.CopyTo(p.Slice(PrefixLength));
        written = MessageFrame.FinishEmit(destination, MessageHeader.Length + PrefixLength + fragment.Length);
        return WireStatus.Ok;
    }
}
