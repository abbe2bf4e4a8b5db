using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using Microsoft.Win32.SafeHandles;
using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Agent.Efi;

/// <summary>
/// Reads the primary GPT of a disk (UEFI 2.10 §5.3.2): header at LBA 1, its CRC-32, the entry array and its
/// CRC-32. The disk's bytes are checked like network bytes: every length is bounded before it is used.
/// </summary>
internal static class GptReader
{
    private const ulong Signature = 0x5452415020494645; // "EFI PART", little-endian
    private const int MaxEntryArrayBytes = 1 << 20;

    public static bool TryRead(string diskPath, int logicalBlockSize, out List<GptEntry> entries, out string error)
    {
        entries = new List<GptEntry>();
        error = "";
        if (logicalBlockSize < 512 || logicalBlockSize > 65536 || (logicalBlockSize & (logicalBlockSize - 1)) != 0)
        {
            error = "logical block size " + logicalBlockSize + " is not a power of two from 512 to 65536";
            return false;
        }
        using SafeFileHandle disk = File.OpenHandle(diskPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        byte[] header = new byte[logicalBlockSize];
        if (!ReadAt(disk, logicalBlockSize, header))
        {
            error = diskPath + ": shorter than 2 blocks, no GPT header";
            return false;
        }
        if (BinaryPrimitives.ReadUInt64LittleEndian(header) != Signature)
        {
            error = diskPath + ": no \"EFI PART\" signature at LBA 1 (not a GPT disk)";
            return false;
        }
        uint headerSize = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(12));
        if (headerSize < 92 || headerSize > logicalBlockSize)
        {
            error = diskPath + ": GPT header size " + headerSize + " out of range";
            return false;
        }
        uint headerCrc = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(16));
        if (Crc32.ComputeWithZeroedWord(header.AsSpan(0, (int)headerSize), 16) != headerCrc)
        {
            error = diskPath + ": GPT header CRC-32 mismatch";
            return false;
        }
        ulong entryLba = BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(72));
        uint entryCount = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(80));
        uint entrySize = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(84));
        uint arrayCrc = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(88));
        if (entrySize < 128 || (entrySize & (entrySize - 1)) != 0 || entryCount == 0
            || (ulong)entryCount * entrySize > MaxEntryArrayBytes || entryLba < 2 || entryLba > long.MaxValue / (ulong)logicalBlockSize)
        {
            error = diskPath + ": GPT entry array (LBA " + entryLba + ", " + entryCount + " x " + entrySize + " bytes) out of range";
            return false;
        }
        byte[] array = new byte[entryCount * entrySize];
        if (!ReadAt(disk, (long)entryLba * logicalBlockSize, array))
        {
            error = diskPath + ": GPT entry array beyond the end of the disk";
            return false;
        }
        if (Crc32.Compute(array) != arrayCrc)
        {
            error = diskPath + ": GPT entry array CRC-32 mismatch";
            return false;
        }
        for (uint i = 0; i < entryCount; i++)
        {
            ReadOnlySpan<byte> entry = array.AsSpan((int)(i * entrySize), (int)entrySize);
            EfiGuid type = EfiGuid.Read(entry);
            if (type.Equals(default) || entry.Slice(0, 16).IndexOfAnyExcept((byte)0) < 0)
            {
                continue;
            }
            entries.Add(new GptEntry(i + 1, type, EfiGuid.Read(entry.Slice(16)),
                BinaryPrimitives.ReadUInt64LittleEndian(entry.Slice(32)), BinaryPrimitives.ReadUInt64LittleEndian(entry.Slice(40))));
        }
        return true;
    }

    /// <summary>
    /// Reads buffer.Length bytes at offset, or says there are not that many. pread until the end, never the file's
    /// length: a block device (/dev/vda) reports length 0 (found in the Linux guest, AgentGuestBootTests).
    /// </summary>
    private static bool ReadAt(SafeFileHandle disk, long offset, byte[] buffer)
    {
        if (offset < 0 || offset > long.MaxValue - buffer.Length)
        {
            return false;
        }
        int total = 0;
        while (total < buffer.Length)
        {
            int read = RandomAccess.Read(disk, buffer.AsSpan(total), offset + total);
            if (read <= 0)
            {
                return false;
            }
            total += read;
        }
        return true;
    }
}
