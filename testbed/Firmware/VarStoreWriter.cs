using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;

namespace UefiRecovery.Testbed.Firmware;

/// <summary>
/// Puts an EFI variable into a copy of OVMF's vars file on the host, before the machine boots, the way
/// EDK II's variable driver itself stores one (MdeModulePkg/Include/Guid/VariableFormat.h): after the FV
/// header (HeaderLength at 0x30) comes the VARIABLE_STORE_HEADER (signature gEfiAuthenticatedVariableGuid,
/// Size, Format 0x5A, State 0xFE; 28 bytes), then records, each starting at a 4-byte boundary
/// (HEADER_ALIGNMENT): a packed 60-byte AUTHENTICATED_VARIABLE_HEADER (StartId 0x55AA, State, Reserved,
/// Attributes, MonotonicCount, TimeStamp, PubKeyIndex, NameSize, DataSize, VendorGuid), the NUL-terminated
/// UCS-2 name, the data (no padding between them on x64: ALIGNMENT 1). The first header without StartId
/// 0x55AA ends the list; the new record goes there, into erased (0xFF) space.
/// </summary>
public static class VarStoreWriter
{
    public const int HeaderSize = 60;
    public const int StoreHeaderSize = 28;
    public const ushort StartId = 0x55AA;

    /// <summary>VAR_ADDED: the record is complete and current.</summary>
    public const byte StateAdded = 0x3F;

    /// <summary>gEfiAuthenticatedVariableGuid (VariableFormat.h): the store signature OVMF uses.</summary>
    public static readonly Guid AuthenticatedVariableGuid = new("AAF32C78-947B-439A-A180-2E144EC37792");

    /// <summary>EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS (UEFI 2.10 §8.2): set before the OS, not visible to it.</summary>
    public const uint NonVolatileBootService = 0x3;

    /// <summary>... | EFI_VARIABLE_RUNTIME_ACCESS: what efivarfs creates from Linux.</summary>
    public const uint NonVolatileBootServiceRuntime = 0x7;

    /// <summary>A copy of <paramref name="vars"/> with the variable appended; throws when the file is not an EDK II store or has no room.</summary>
    public static byte[] Append(byte[] vars, string name, Guid vendor, uint attributes, byte[] data)
    {
        if (name.Length == 0 || name.Contains('\0'))
            throw new ArgumentException("variable name must be non-empty without NUL", nameof(name));
        (int start, int end) = LocateStore(vars);
        Walk(vars, start, end, out int offset);

        byte[] nameBytes = Encoding.Unicode.GetBytes(name + "\0");
        int recordSize = HeaderSize + nameBytes.Length + data.Length;
        if (recordSize > end - offset)
            throw new InvalidOperationException($"variable store full: {recordSize} bytes needed at 0x{offset:X}, store ends at 0x{end:X}");
        for (int i = offset; i < offset + recordSize; i++)
        {
            if (vars[i] != 0xFF)
                throw new InvalidOperationException($"space after the last variable is not erased at 0x{i:X}");
        }

        byte[] result = (byte[])vars.Clone();
        Span<byte> header = result.AsSpan(offset, HeaderSize);
        header.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(header, StartId);
        header[2] = StateAdded;
        BinaryPrimitives.WriteUInt32LittleEndian(header.Slice(4), attributes);
        // MonotonicCount (8 bytes at 8), TimeStamp (EFI_TIME, 16 bytes at 16), PubKeyIndex (at 32) stay zero:
        // a variable without authenticated-write attributes carries none.
        BinaryPrimitives.WriteUInt32LittleEndian(header.Slice(36), (uint)nameBytes.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.Slice(40), (uint)data.Length);
        vendor.ToByteArray().CopyTo(header.Slice(44));
        nameBytes.CopyTo(result.AsSpan(offset + HeaderSize));
        data.CopyTo(result.AsSpan(offset + HeaderSize + nameBytes.Length));
        return result;
    }

    /// <summary>Every record of the store, in order (for tests and diagnostics).</summary>
    public static IReadOnlyList<VarStoreRecord> ReadAll(byte[] vars)
    {
        (int start, int end) = LocateStore(vars);
        return new List<VarStoreRecord>(Walk(vars, start, end, out _));
    }

    /// <summary>The first variable store offset (first record) and the end of the store, after checking both headers.</summary>
    private static (int Start, int End) LocateStore(byte[] vars)
    {
        if (vars.Length < 0x48 + StoreHeaderSize || vars[0x28] != '_' || vars[0x29] != 'F' || vars[0x2A] != 'V' || vars[0x2B] != 'H')
            throw new InvalidOperationException("not a firmware volume (no _FVH signature at 0x28)");
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(vars.AsSpan(0x30));
        if (headerLength < 0x48 || headerLength > vars.Length - StoreHeaderSize)
            throw new InvalidOperationException($"FV HeaderLength 0x{headerLength:X} out of range");
        var signature = new Guid(vars.AsSpan(headerLength, 16));
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(vars.AsSpan(headerLength + 16));
        if (signature != AuthenticatedVariableGuid)
            throw new InvalidOperationException($"variable store signature {signature} is not gEfiAuthenticatedVariableGuid");
        if (vars[headerLength + 20] != 0x5A || vars[headerLength + 21] != 0xFE)
            throw new InvalidOperationException("variable store is not formatted and healthy (Format 0x5A, State 0xFE)");
        if (size < StoreHeaderSize || size > (uint)(vars.Length - headerLength))
            throw new InvalidOperationException($"variable store Size 0x{size:X} out of range");
        return (Align4(headerLength + StoreHeaderSize), headerLength + (int)size);
    }

    private static IEnumerable<VarStoreRecord> Walk(byte[] vars, int start, int end, out int free)
    {
        var records = new List<VarStoreRecord>();
        int offset = start;
        while (offset <= end - HeaderSize && BinaryPrimitives.ReadUInt16LittleEndian(vars.AsSpan(offset)) == StartId)
        {
            uint nameSize = BinaryPrimitives.ReadUInt32LittleEndian(vars.AsSpan(offset + 36));
            uint dataSize = BinaryPrimitives.ReadUInt32LittleEndian(vars.AsSpan(offset + 40));
            long next = (long)offset + HeaderSize + nameSize + dataSize;
            if (next > end)
                throw new InvalidOperationException($"variable at 0x{offset:X} runs past the store end");
            string name = Encoding.Unicode.GetString(vars, offset + HeaderSize, (int)nameSize).TrimEnd('\0');
            byte[] data = vars.AsSpan(offset + HeaderSize + (int)nameSize, (int)dataSize).ToArray();
            records.Add(new VarStoreRecord(offset, vars[offset + 2], BinaryPrimitives.ReadUInt32LittleEndian(vars.AsSpan(offset + 4)),
                name, new Guid(vars.AsSpan(offset + 44, 16)), data));
            offset = Align4((int)next);
        }
        free = offset;
        return records;
    }

    private static int Align4(int value) => (value + 3) & ~3;
}
