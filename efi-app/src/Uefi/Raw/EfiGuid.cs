using System;
using System.Buffers.Binary;

namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>
/// EFI_GUID (UEFI 2.10 §2.3.1, Appendix A): 128 bits, 64-bit aligned, laid out as the fields
/// Data1 (UINT32), Data2 (UINT16), Data3 (UINT16), Data4 (UINT8[8]); Data1..Data3 little-endian.
/// Our own type because the corlib has no System.Guid.
/// </summary>
public unsafe struct EfiGuid
{
    public const int Size = 16;

    public uint Data1;
    public ushort Data2;
    public ushort Data3;
    public fixed byte Data4[8];

    public EfiGuid(uint data1, ushort data2, ushort data3,
        byte d0, byte d1, byte d2, byte d3, byte d4, byte d5, byte d6, byte d7)
    {
        Data1 = data1;
        Data2 = data2;
        Data3 = data3;
        Data4[0] = d0; Data4[1] = d1; Data4[2] = d2; Data4[3] = d3;
        Data4[4] = d4; Data4[5] = d5; Data4[6] = d6; Data4[7] = d7;
    }

    /// <summary>Reads a GUID stored in the spec's byte layout (e.g. inside an FV header).</summary>
    /// <returns>false, and a zero GUID, when fewer than 16 bytes are given.</returns>
    public static bool TryRead(ReadOnlySpan<byte> bytes, out EfiGuid guid)
    {
        guid = default;
        if (bytes.Length < Size)
        {
            return false;
        }

        guid.Data1 = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        guid.Data2 = BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(4));
        guid.Data3 = BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(6));
        for (int i = 0; i < 8; i++)
        {
            guid.Data4[i] = bytes[8 + i];
        }

        return true;
    }

    /// <summary>Writes the spec's byte layout; false when the destination is shorter than 16 bytes.</summary>
    public readonly bool TryWrite(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(destination, Data1);
        BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(4), Data2);
        BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(6), Data3);
        for (int i = 0; i < 8; i++)
        {
            destination[8 + i] = Data4[i];
        }

        return true;
    }

    public readonly bool Equals(in EfiGuid other)
    {
        if (Data1 != other.Data1 || Data2 != other.Data2 || Data3 != other.Data3)
        {
            return false;
        }

        for (int i = 0; i < 8; i++)
        {
            if (Data4[i] != other.Data4[i])
            {
                return false;
            }
        }

        return true;
    }
}
