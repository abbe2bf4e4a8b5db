using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;

namespace UefiRecovery.Testbed.Firmware;

/// <summary>
/// An EFI_LOAD_OPTION (UEFI 2.10 §3.1.3) for a Boot#### variable: Attributes (LOAD_OPTION_ACTIVE),
/// FilePathListLength, the NUL-terminated UCS-2 description, the device path
/// <c>HD(n,GPT,guid,start,size)/File(path)/End</c> (a short-form path the boot manager expands by partition GUID),
/// and the optional data (for a Linux EFI stub: its command line, UCS-2).
/// </summary>
public static class EfiLoadOption
{
    public const uint LoadOptionActive = 0x1;
    public static readonly Guid GlobalVariableGuid = new("8BE4DF61-93CA-11D2-AA0D-00E098032B8C");

    public static byte[] ForGptFile(string description, int partitionNumber, long startLba, long sizeLba, Guid partitionGuid, string filePath, string? commandLine)
    {
        if (!filePath.StartsWith('\\'))
        {
            throw new ArgumentException("an ESP path with backslashes, like \\EFI\\Linux\\vmlinuz.efi", nameof(filePath));
        }
        var path = new MemoryStream();
        // Media / Hard Drive (type 4, subtype 1), 42 bytes.
        byte[] hd = new byte[42];
        hd[0] = 4; hd[1] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(hd.AsSpan(2), 42);
        BinaryPrimitives.WriteUInt32LittleEndian(hd.AsSpan(4), (uint)partitionNumber);
        BinaryPrimitives.WriteUInt64LittleEndian(hd.AsSpan(8), (ulong)startLba);
        BinaryPrimitives.WriteUInt64LittleEndian(hd.AsSpan(16), (ulong)sizeLba);
        partitionGuid.ToByteArray().CopyTo(hd, 24);
        hd[40] = 2;  // MBRType: GUID partition table
        hd[41] = 2;  // SignatureType: GUID
        path.Write(hd);
        // Media / File Path (type 4, subtype 4).
        byte[] name = Encoding.Unicode.GetBytes(filePath + "\0");
        byte[] file = new byte[4 + name.Length];
        file[0] = 4; file[1] = 4;
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(2), checked((ushort)file.Length));
        name.CopyTo(file, 4);
        path.Write(file);
        path.Write(new byte[] { 0x7F, 0xFF, 4, 0 });  // End of entire device path

        var option = new MemoryStream();
        Span<byte> head = stackalloc byte[6];
        BinaryPrimitives.WriteUInt32LittleEndian(head, LoadOptionActive);
        BinaryPrimitives.WriteUInt16LittleEndian(head.Slice(4), checked((ushort)path.Length));
        option.Write(head);
        option.Write(Encoding.Unicode.GetBytes(description + "\0"));
        path.WriteTo(option);
        if (commandLine != null)
        {
            option.Write(Encoding.Unicode.GetBytes(commandLine));
        }
        return option.ToArray();
    }

    /// <summary>BootOrder / BootNext data: UINT16 numbers, little-endian.</summary>
    public static byte[] BootNumbers(params ushort[] numbers)
    {
        byte[] data = new byte[numbers.Length * 2];
        for (int i = 0; i < numbers.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(i * 2), numbers[i]);
        }
        return data;
    }
}
