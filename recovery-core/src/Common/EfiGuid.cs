using System;
using System.Buffers.Binary;

namespace UefiRecovery.Core.Common;

/// <summary>
/// A 16-byte EFI_GUID (UEFI spec, appendix A) without System.Guid, which the firmware corlib lacks.
/// In memory and in files the layout is Data1 (UINT32 LE), Data2 (UINT16 LE), Data3 (UINT16 LE),
/// Data4 (8 bytes in order); the text form is "XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX" with Data4 split 2+6.
/// The one GUID type of the project: on a little-endian machine (every UEFI target) the fields lie in
/// memory exactly as EDK2's GUID struct (UINT32, UINT16, UINT16, UINT8[8]: 16 bytes, 4-byte aligned, so
/// EFI_CAPSULE_HEADER stays 28 bytes), and efi-app's raw bindings pass it to the firmware by pointer
/// (efi-app/tests RawLayoutTests checks the layout).
/// </summary>
public readonly struct EfiGuid
{
    /// <summary>Bytes in the binary form.</summary>
    public const int Size = 16;

    /// <summary>Characters in the text form.</summary>
    public const int TextLength = 36;

    private readonly uint _data1;
    private readonly ushort _data2;
    private readonly ushort _data3;
    // Data4 in memory order, as two little-endian halves (two uints, not one ulong: EDK2's GUID is 4-byte aligned).
    private readonly uint _data4Low;
    private readonly uint _data4High;

    public EfiGuid(uint data1, ushort data2, ushort data3, byte d0, byte d1, byte d2, byte d3, byte d4, byte d5, byte d6, byte d7)
    {
        _data1 = data1;
        _data2 = data2;
        _data3 = data3;
        _data4Low = d0 | ((uint)d1 << 8) | ((uint)d2 << 16) | ((uint)d3 << 24);
        _data4High = d4 | ((uint)d5 << 8) | ((uint)d6 << 16) | ((uint)d7 << 24);
    }

    private EfiGuid(uint data1, ushort data2, ushort data3, ulong data4)
    {
        _data1 = data1;
        _data2 = data2;
        _data3 = data3;
        _data4Low = (uint)data4;
        _data4High = (uint)(data4 >> 32);
    }

    public uint Data1 => _data1;

    public ushort Data2 => _data2;

    public ushort Data3 => _data3;

    /// <summary>The all-zero GUID.</summary>
    public bool IsZero => _data1 == 0 && _data2 == 0 && _data3 == 0 && _data4Low == 0 && _data4High == 0;

    /// <summary>Data4[index], index 0..7.</summary>
    public byte Data4(int index) => (byte)(Data4Bits >> (8 * (index & 7)));

    // Data4 as one number, Data4[0] the least significant byte.
    private ulong Data4Bits => _data4Low | ((ulong)_data4High << 32);

    /// <summary>Reads the 16-byte binary (EFI, mixed-endian) form. Reads exactly bytes[0..16].</summary>
    public static bool TryRead(ReadOnlySpan<byte> bytes, out EfiGuid guid)
    {
        if (bytes.Length < Size)
        {
            guid = default;
            return false;
        }
        guid = new EfiGuid(
            BinaryPrimitives.ReadUInt32LittleEndian(bytes),
            BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(4)),
            BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(6)),
            BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(8)));
        return true;
    }

    /// <summary>Writes the 16-byte binary form; false (nothing written) if the span is too short.</summary>
    public bool TryWrite(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            return false;
        }
        BinaryPrimitives.WriteUInt32LittleEndian(destination, _data1);
        BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(4), _data2);
        BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(6), _data3);
        BinaryPrimitives.WriteUInt64LittleEndian(destination.Slice(8), Data4Bits);
        return true;
    }

    /// <summary>True when both GUIDs are the same 128 bits.</summary>
    public bool Equals(EfiGuid other) =>
        _data1 == other._data1 && _data2 == other._data2 && _data3 == other._data3
        && _data4Low == other._data4Low && _data4High == other._data4High;

    /// <summary>
    /// Parses exactly the 36-character registry form (hex digits either case, no braces),
    /// e.g. "6e3c1a1b-3f4d-4f0e-9c64-2a5d8b1f7e10".
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out EfiGuid guid)
    {
        guid = default;
        if (text.Length != TextLength || text[8] != '-' || text[13] != '-' || text[18] != '-' || text[23] != '-')
        {
            return false;
        }
        if (!TryParseHex(text.Slice(0, 8), out ulong data1) || !TryParseHex(text.Slice(9, 4), out ulong data2)
            || !TryParseHex(text.Slice(14, 4), out ulong data3) || !TryParseHex(text.Slice(19, 4), out ulong clock)
            || !TryParseHex(text.Slice(24, 12), out ulong node))
        {
            return false;
        }
        guid = new EfiGuid((uint)data1, (ushort)data2, (ushort)data3, ReverseBytes((clock << 48) | node));
        return true;
    }

    /// <summary>Parses the text form straight into the 16-byte binary form in a caller span.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, Span<byte> destination)
    {
        return TryParse(text, out EfiGuid guid) && guid.TryWrite(destination);
    }

    /// <summary>Formats the 36-character upper-case text form (as EDK2's %g prints it).</summary>
    public bool TryFormat(Span<char> destination, out int charsWritten)
    {
        charsWritten = 0;
        if (destination.Length < TextLength)
        {
            return false;
        }
        WriteHex(_data1, 8, destination.Slice(0, 8));
        destination[8] = '-';
        WriteHex(_data2, 4, destination.Slice(9, 4));
        destination[13] = '-';
        WriteHex(_data3, 4, destination.Slice(14, 4));
        destination[18] = '-';
        ulong data4 = ReverseBytes(Data4Bits); // Data4[0] first, as the text reads
        WriteHex(data4 >> 48, 4, destination.Slice(19, 4));
        destination[23] = '-';
        WriteHex(data4 & 0xFFFF_FFFF_FFFF, 12, destination.Slice(24, 12));
        charsWritten = TextLength;
        return true;
    }

    // Byte order reversed (BinaryPrimitives.ReverseEndianness is not in the portable subset).
    private static ulong ReverseBytes(ulong value)
    {
        ulong reversed = 0;
        for (int i = 0; i < 8; i++)
        {
            reversed = (reversed << 8) | (value & 0xFF);
            value >>= 8;
        }
        return reversed;
    }

    private static bool TryParseHex(ReadOnlySpan<char> digits, out ulong value)
    {
        value = 0;
        for (int i = 0; i < digits.Length; i++)
        {
            char c = digits[i];
            uint nibble;
            if (c >= '0' && c <= '9')
            {
                nibble = (uint)(c - '0');
            }
            else if (c >= 'a' && c <= 'f')
            {
                nibble = (uint)(c - 'a' + 10);
            }
            else if (c >= 'A' && c <= 'F')
            {
                nibble = (uint)(c - 'A' + 10);
            }
            else
            {
                return false;
            }
            value = (value << 4) | nibble;
        }
        return true;
    }

    private static void WriteHex(ulong value, int digits, Span<char> destination)
    {
        for (int i = digits - 1; i >= 0; i--)
        {
            uint nibble = (uint)(value & 0xF);
            destination[i] = (char)(nibble < 10 ? '0' + nibble : 'A' + nibble - 10);
            value >>= 4;
        }
    }
}
