using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;

namespace UefiRecovery.Testbed.Network;

/// <summary>
/// Reads the classic libpcap format that <c>tcpdump -w</c> writes (global header, then 16-byte record
/// headers; https://www.tcpdump.org/manpages/pcap-savefile.5.txt), Ethernet link type only. The file may
/// still be growing (tcpdump -U): a last record cut short is left out, not an error. Every length is
/// checked before it is used, since a capture is whatever the network delivered.
/// </summary>
public static class PcapFile
{
    private const uint MagicMicroseconds = 0xA1B2C3D4;
    private const uint MagicNanoseconds = 0xA1B23C4D;
    private const int GlobalHeaderLength = 24;
    private const int RecordHeaderLength = 16;
    private const uint LinkTypeEthernet = 1;

    /// <summary>Largest captured length accepted for one record (tcpdump's own maximum snap length).</summary>
    public const int MaxRecordLength = 262144;

    /// <summary>Reads a capture file that another process may still be writing.</summary>
    public static bool TryRead(string path, out List<CapturedFrame> frames, out string error)
    {
        byte[] bytes;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
        }
        catch (IOException e)
        {
            frames = new List<CapturedFrame>();
            error = "cannot read " + path + ": " + e.Message;
            return false;
        }
        return TryParse(bytes, out frames, out error);
    }

    public static bool TryParse(ReadOnlySpan<byte> bytes, out List<CapturedFrame> frames, out string error)
    {
        frames = new List<CapturedFrame>();
        if (bytes.Length < GlobalHeaderLength)
        {
            error = "shorter than the 24-byte pcap header";
            return false;
        }
        uint magicLittle = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        uint magicBig = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        bool little;
        bool nanoseconds;
        if (magicLittle is MagicMicroseconds or MagicNanoseconds)
        {
            little = true;
            nanoseconds = magicLittle == MagicNanoseconds;
        }
        else if (magicBig is MagicMicroseconds or MagicNanoseconds)
        {
            little = false;
            nanoseconds = magicBig == MagicNanoseconds;
        }
        else
        {
            error = $"not a classic pcap file (magic 0x{magicLittle:x8}; pcapng is not supported)";
            return false;
        }
        uint linkType = Read32(bytes.Slice(20), little) & 0x0FFFFFFF;
        if (linkType != LinkTypeEthernet)
        {
            error = "link type " + linkType + " is not Ethernet (1)";
            return false;
        }

        int offset = GlobalHeaderLength;
        while (bytes.Length - offset >= RecordHeaderLength)
        {
            ReadOnlySpan<byte> header = bytes.Slice(offset, RecordHeaderLength);
            uint seconds = Read32(header, little);
            uint fraction = Read32(header.Slice(4), little);
            uint captured = Read32(header.Slice(8), little);
            uint original = Read32(header.Slice(12), little);
            if (captured > MaxRecordLength || fraction >= (nanoseconds ? 1_000_000_000u : 1_000_000u))
            {
                error = $"corrupt record header at offset {offset} (captured length {captured}, fraction {fraction})";
                return false;
            }
            if (captured > bytes.Length - offset - RecordHeaderLength)
            {
                break; // the writer has not finished this record yet
            }
            long microseconds = seconds * 1_000_000L + (nanoseconds ? fraction / 1000 : fraction);
            byte[] data = bytes.Slice(offset + RecordHeaderLength, (int)captured).ToArray();
            frames.Add(new CapturedFrame(microseconds, data, (int)Math.Min(original, int.MaxValue)));
            offset += RecordHeaderLength + (int)captured;
        }
        error = "";
        return true;
    }

    private static uint Read32(ReadOnlySpan<byte> bytes, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(bytes) : BinaryPrimitives.ReadUInt32BigEndian(bytes);
}
