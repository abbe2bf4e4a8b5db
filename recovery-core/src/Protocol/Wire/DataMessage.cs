using System;

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
        WireStatus prefix = frame.CheckPrefix(MessageType.Data, PrefixLength + 1); // at least one fragment byte
        if (prefix != WireStatus.Ok)
        {
            return prefix;
        }
        var fields = new PayloadReader(frame.Payload);
        uint index = fields.ReadUInt32();
        ushort pass = fields.ReadUInt16();
        if (fields.ReadUInt16() != 0)
        {
            return WireStatus.ReservedNotZero;
        }
        if (frame.Header.SessionId == 0)
        {
            return WireStatus.BadField;
        }
        message = new DataMessage(index, pass, frame.Payload.Slice(PrefixLength));
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
        var fields = new PayloadWriter(p);
        fields.WriteUInt32(fragmentIndex);
        fields.WriteUInt16(pass);
        fields.WriteZeros(2); // reserved
        fields.WriteBytes(fragment);
        written = MessageFrame.FinishEmit(destination, fields);
        return WireStatus.Ok;
    }
}
