using System;
using System.Buffers.Binary;
using System.Text;

namespace UefiRecovery.Agent.Efi;

/// <summary>
/// EFI_LOAD_OPTION (UEFI 2.10 §3.1.3), the data of a Boot#### variable:
/// <code>UINT32 Attributes, UINT16 FilePathListLength, CHAR16 Description[] (NUL-terminated),
/// EFI_DEVICE_PATH_PROTOCOL FilePathList[FilePathListLength bytes], UINT8 OptionalData[]</code>
/// </summary>
internal static class LoadOption
{
    /// <summary>LOAD_OPTION_ACTIVE: the boot manager may boot it.</summary>
    public const uint Active = 0x00000001;

    public static byte[] Encode(uint attributes, string description, ReadOnlySpan<byte> filePathList)
    {
        byte[] text = Encoding.Unicode.GetBytes(description + "\0");
        byte[] bytes = new byte[6 + text.Length + filePathList.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, attributes);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), checked((ushort)filePathList.Length));
        text.CopyTo(bytes, 6);
        filePathList.CopyTo(bytes.AsSpan(6 + text.Length));
        return bytes;
    }

    /// <summary>The file path list of a load option, or false when the bytes are not a well-formed one.</summary>
    public static bool TryGetFilePathList(ReadOnlySpan<byte> option, out ReadOnlySpan<byte> filePathList)
    {
        filePathList = default;
        if (option.Length < 6)
        {
            return false;
        }
        int pathLength = BinaryPrimitives.ReadUInt16LittleEndian(option.Slice(4));
        int offset = 6;
        while (true)
        {
            if (offset + 2 > option.Length)
            {
                return false;
            }
            bool nul = option[offset] == 0 && option[offset + 1] == 0;
            offset += 2;
            if (nul)
            {
                break;
            }
        }
        if (pathLength > option.Length - offset)
        {
            return false;
        }
        filePathList = option.Slice(offset, pathLength);
        return true;
    }
}
