using System;
using System.Buffers.Binary;
using System.Text;

namespace UefiRecovery.Agent.Efi;

/// <summary>
/// The device path of the recovery entry (UEFI 2.10 §10.3): a Hard Drive media node naming the ESP by its GPT
/// entry, a File Path media node with the loader's path, and the End node. Firmware expands a path that starts
/// at the hard drive node by matching the partition signature on every disk (§3.1.2, "short-form").
/// </summary>
internal static class DevicePath
{
    public const byte MediaType = 0x04;
    public const byte HardDriveSubType = 0x01;
    public const byte FilePathSubType = 0x04;
    public const byte EndType = 0x7F;
    public const byte EndEntireSubType = 0xFF;
    public const int HardDriveNodeLength = 42;
    public const byte PartitionFormatGpt = 0x02;
    public const byte SignatureTypeGuid = 0x02;

    /// <summary>HD(partition, GPT, signature, start, size)/File(path)/End.</summary>
    public static byte[] HardDriveFile(in EspPartition esp, string loaderPath)
    {
        byte[] path = Encoding.Unicode.GetBytes(loaderPath + "\0");
        int fileNodeLength = 4 + path.Length;
        byte[] bytes = new byte[HardDriveNodeLength + fileNodeLength + 4];
        Span<byte> hd = bytes.AsSpan(0, HardDriveNodeLength);
        hd[0] = MediaType;
        hd[1] = HardDriveSubType;
        BinaryPrimitives.WriteUInt16LittleEndian(hd.Slice(2), HardDriveNodeLength);
        BinaryPrimitives.WriteUInt32LittleEndian(hd.Slice(4), esp.PartitionNumber);
        BinaryPrimitives.WriteUInt64LittleEndian(hd.Slice(8), esp.StartLba);
        BinaryPrimitives.WriteUInt64LittleEndian(hd.Slice(16), esp.SizeInLba);
        esp.UniqueGuid.Write(hd.Slice(24));
        hd[40] = PartitionFormatGpt;
        hd[41] = SignatureTypeGuid;
        Span<byte> file = bytes.AsSpan(HardDriveNodeLength, fileNodeLength);
        file[0] = MediaType;
        file[1] = FilePathSubType;
        BinaryPrimitives.WriteUInt16LittleEndian(file.Slice(2), (ushort)fileNodeLength);
        path.CopyTo(file.Slice(4));
        Span<byte> end = bytes.AsSpan(HardDriveNodeLength + fileNodeLength);
        end[0] = EndType;
        end[1] = EndEntireSubType;
        BinaryPrimitives.WriteUInt16LittleEndian(end.Slice(2), 4);
        return bytes;
    }

    /// <summary>
    /// Whether a (possibly firmware-expanded) device path reaches <paramref name="loaderPath"/> on the partition
    /// with <paramref name="partition"/>'s signature: some HD node with that GUID, followed by a File node with
    /// that path (compared case-insensitively, as FAT does). Malformed nodes end the walk with false.
    /// </summary>
    public static bool Reaches(ReadOnlySpan<byte> path, EfiGuid partition, string loaderPath)
    {
        bool onPartition = false;
        int offset = 0;
        while (offset + 4 <= path.Length)
        {
            byte type = path[offset];
            byte subType = path[offset + 1];
            int length = BinaryPrimitives.ReadUInt16LittleEndian(path.Slice(offset + 2));
            if (length < 4 || length > path.Length - offset)
            {
                return false;
            }
            ReadOnlySpan<byte> node = path.Slice(offset, length);
            if (type == EndType)
            {
                return false;
            }
            if (type == MediaType && subType == HardDriveSubType && length == HardDriveNodeLength)
            {
                onPartition = node[41] == SignatureTypeGuid && EfiGuid.Read(node.Slice(24)).Equals(partition);
            }
            else if (type == MediaType && subType == FilePathSubType && onPartition && length >= 6 && length % 2 == 0)
            {
                string file = Encoding.Unicode.GetString(node.Slice(4)).TrimEnd('\0');
                if (string.Equals(file, loaderPath, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
            offset += length;
        }
        return false;
    }
}
