using System;
using System.Buffers.Binary;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// Writes a payload's fields front to back, big-endian (docs/protocol.md §3.1): the counterpart of
/// <see cref="PayloadReader"/>. The payload area comes from <see cref="MessageFrame.TryBeginEmit"/>, sized
/// to the message; <see cref="Position"/> tells the emitter how far it got.
/// </summary>
public ref struct PayloadWriter
{
    private const int MacLength = 6;

    private readonly Span<byte> _payload;
    private int _position;

    public PayloadWriter(Span<byte> payload)
    {
        _payload = payload;
        _position = 0;
    }

    /// <summary>Bytes written so far.</summary>
    public int Position => _position;

    public void WriteByte(byte value)
    {
        _payload[_position++] = value;
    }

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(Take(2), value);
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(Take(4), value);
    }

    public void WriteUInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64BigEndian(Take(8), value);
    }

    /// <summary>The low 48 bits of <paramref name="mac"/> as 6 bytes, most significant first (the caller checks the high 16 are 0).</summary>
    public void WriteMac48(ulong mac)
    {
        Span<byte> field = Take(MacLength);
        for (int i = MacLength - 1; i >= 0; i--)
        {
            field[i] = (byte)mac;
            mac >>= 8;
        }
    }

    public void WriteHash128(Hash128 value)
    {
        value.Write(Take(Hash128.Length));
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        value.CopyTo(Take(value.Length));
    }

    /// <summary>The next <paramref name="length"/> bytes, for a field type that writes itself (<see cref="ImageTypeId.TryWrite"/>).</summary>
    public Span<byte> Next(int length)
    {
        return Take(length);
    }

    /// <summary>A reserved field: <paramref name="length"/> zero bytes.</summary>
    public void WriteZeros(int length)
    {
        Take(length).Clear();
    }

    private Span<byte> Take(int length)
    {
        Span<byte> field = _payload.Slice(_position, length);
        _position += length;
        return field;
    }
}
