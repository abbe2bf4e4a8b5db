using System;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// PARITY (type 0x0B, capability FEC1): one parity fragment of one block of the session's image
/// (docs/protocol.md §4.14, §5.5). Header session id and sender id as in DATA. Payload: an 8-byte prefix, then
/// the parity bytes (exactly the session's fragment size; checked by the receiver, which knows it):
/// <code>
///  0 block u32   4 parity index u8 (0..127)   5 reserved u8 (0)   6 pass u16
///  8 parity bytes
/// </code>
/// A view over the received bytes; nothing is copied.
/// </summary>
public readonly ref struct ParityMessage
{
    public const int PrefixLength = ProtocolConstants.ParityPrefixLength;

    private ParityMessage(uint block, byte parityIndex, ushort pass, ReadOnlySpan<byte> parity)
    {
        Block = block;
        ParityIndex = parityIndex;
        Pass = pass;
        Parity = parity;
    }

    public uint Block { get; }
    public byte ParityIndex { get; }
    public ushort Pass { get; }

    /// <summary>The parity bytes (a slice of the received datagram).</summary>
    public ReadOnlySpan<byte> Parity { get; }

    public static WireStatus TryParse(in MessageFrame frame, out ParityMessage message)
    {
        message = default;
        WireStatus prefix = frame.CheckPrefix(MessageType.Parity, PrefixLength + 1);
        if (prefix != WireStatus.Ok)
        {
            return prefix;
        }
        var fields = new PayloadReader(frame.Payload);
        uint block = fields.ReadUInt32();
        byte parityIndex = fields.ReadByte();
        if (fields.ReadByte() != 0)
        {
            return WireStatus.ReservedNotZero;
        }
        ushort pass = fields.ReadUInt16();
        if (frame.Header.SessionId == 0 || parityIndex >= ProtocolConstants.FecMaxParity)
        {
            return WireStatus.BadField;
        }
        message = new ParityMessage(block, parityIndex, pass, frame.Payload.Slice(PrefixLength));
        return WireStatus.Ok;
    }

    /// <summary>Emits 40 + parity.Length bytes; the parity is copied once, straight into the datagram.</summary>
    public static WireStatus TryEmit(
        Span<byte> destination, in MessageIds ids, uint block, int parityIndex, ushort pass, ReadOnlySpan<byte> parity,
        out int written)
    {
        written = 0;
        if (ids.SessionId == 0 || parity.IsEmpty || (uint)parityIndex >= ProtocolConstants.FecMaxParity)
        {
            return WireStatus.BadField;
        }
        WireStatus status = MessageFrame.TryBeginEmit(
            destination, MessageType.Parity, ids, PrefixLength + parity.Length, out Span<byte> p);
        if (status != WireStatus.Ok)
        {
            return status;
        }
        var fields = new PayloadWriter(p);
        fields.WriteUInt32(block);
        fields.WriteByte((byte)parityIndex);
        fields.WriteZeros(1); // reserved
        fields.WriteUInt16(pass);
        fields.WriteBytes(parity);
        written = MessageFrame.FinishEmit(destination, fields);
        return WireStatus.Ok;
    }

    /// <summary>Emits the PARITY prefix into <paramref name="destination"/> and lends out the parity area, so the
    /// encoder can write the parity straight into the datagram; call <see cref="FinishEmit"/> after.</summary>
    public static WireStatus TryBeginEmit(
        Span<byte> destination, in MessageIds ids, uint block, int parityIndex, ushort pass, int parityLength,
        out Span<byte> parity)
    {
        parity = default;
        if (ids.SessionId == 0 || parityLength < 1 || (uint)parityIndex >= ProtocolConstants.FecMaxParity)
        {
            return WireStatus.BadField;
        }
        WireStatus status = MessageFrame.TryBeginEmit(
            destination, MessageType.Parity, ids, PrefixLength + parityLength, out Span<byte> p);
        if (status != WireStatus.Ok)
        {
            return status;
        }
        var fields = new PayloadWriter(p);
        fields.WriteUInt32(block);
        fields.WriteByte((byte)parityIndex);
        fields.WriteZeros(1);
        fields.WriteUInt16(pass);
        parity = p.Slice(PrefixLength, parityLength);
        return WireStatus.Ok;
    }

    /// <summary>Ends <see cref="TryBeginEmit"/>: stores the CRC; returns the datagram length.</summary>
    public static int FinishEmit(Span<byte> destination, int parityLength)
    {
        return MessageFrame.FinishEmit(destination, MessageHeader.Length + PrefixLength + parityLength);
    }
}
