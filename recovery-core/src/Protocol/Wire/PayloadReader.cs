using System;
using System.Buffers.Binary;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// Reads a payload's fields front to back, big-endian (docs/protocol.md §3.1), in the order of the layout
/// table in each message's doc comment, so no message keeps its own list of offsets. The parser checks the
/// payload length first (<see cref="MessageFrame.CheckLayout"/>): every read is then in range.
/// </summary>
public ref struct PayloadReader
{
    private const int MacLength = 6;

    private readonly ReadOnlySpan<byte> _payload;
    private int _position;

    public PayloadReader(ReadOnlySpan<byte> payload)
    {
        _payload = payload;
        _position = 0;
    }

    public byte ReadByte()
    {
        return _payload[_position++];
    }

    public ushort ReadUInt16()
    {
        return BinaryPrimitives.ReadUInt16BigEndian(Take(2));
    }

    public uint ReadUInt32()
    {
        return BinaryPrimitives.ReadUInt32BigEndian(Take(4));
    }

    public ulong ReadUInt64()
    {
        return BinaryPrimitives.ReadUInt64BigEndian(Take(8));
    }

    /// <summary>A 6-byte MAC address, first octet most significant, in the low 48 bits.</summary>
    public ulong ReadMac48()
    {
        ulong mac = 0;
        foreach (byte octet in Take(MacLength))
        {
            mac = (mac << 8) | octet;
        }
        return mac;
    }

    public Hash128 ReadHash128()
    {
        return Hash128.Read(Take(Hash128.Length));
    }

    /// <summary>The next <paramref name="length"/> bytes as they are.</summary>
    public ReadOnlySpan<byte> ReadBytes(int length)
    {
        return Take(length);
    }

    /// <summary>Passes over a field the parser does not keep (a reserved one, already checked).</summary>
    public void Skip(int length)
    {
        Take(length);
    }

    private ReadOnlySpan<byte> Take(int length)
    {
        ReadOnlySpan<byte> field = _payload.Slice(_position, length);
        _position += length;
        return field;
    }
}
