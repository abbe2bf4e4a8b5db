using System.Collections.Generic;

namespace UefiRecovery.Testbed.Network;

/// <summary>
/// One TFTP read as seen on the wire (RFC 1350 with the option extension, RFC 2347/2348/2349/7440):
/// the client's RRQ, the server's OACK and DATA, the client's ACKs. Times are capture timestamps in
/// microseconds; 0 means "not seen".
/// </summary>
public sealed class TftpTransfer
{
    public required uint Client { get; init; }
    public required ushort ClientPort { get; init; }
    public required uint Server { get; init; }
    public required string FileName { get; init; }

    /// <summary>The RRQ's options as "name value" pairs, in the client's order.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> RequestedOptions { get; init; }

    public long RequestMicroseconds { get; init; }

    /// <summary>The server's transfer port (its TID), from its first answer.</summary>
    public ushort ServerPort { get; internal set; }

    public IReadOnlyList<KeyValuePair<string, string>> AcknowledgedOptions { get; internal set; } = new List<KeyValuePair<string, string>>();

    /// <summary>Block size in force: the OACK's blksize, else RFC 1350's 512.</summary>
    public int BlockSize { get; internal set; } = 512;

    public long FirstDataMicroseconds { get; internal set; }
    public long LastDataMicroseconds { get; internal set; }

    /// <summary>The ACK of the last (short) block: the client holds the whole file.</summary>
    public long FinalAckMicroseconds { get; internal set; }

    public int DataPackets { get; internal set; }
    public int DistinctBlocks { get; internal set; }
    public int RepeatedDataPackets { get; internal set; }
    public long Bytes { get; internal set; }
    public bool ErrorSeen { get; internal set; }
    public string ErrorText { get; internal set; } = "";

    /// <summary>Microseconds from each DATA to the client's ACK of that block (the client's round trip as seen on the wire).</summary>
    public List<long> DataToAckMicroseconds { get; } = new();

    /// <summary>True when a short final block was sent and acknowledged.</summary>
    public bool Complete => FinalAckMicroseconds != 0;

    public string OptionText(IReadOnlyList<KeyValuePair<string, string>> options)
    {
        var parts = new List<string>();
        foreach (KeyValuePair<string, string> option in options)
        {
            parts.Add(option.Key + " " + option.Value);
        }
        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }

    public string? Option(IReadOnlyList<KeyValuePair<string, string>> options, string name)
    {
        foreach (KeyValuePair<string, string> option in options)
        {
            if (string.Equals(option.Key, name, System.StringComparison.OrdinalIgnoreCase))
            {
                return option.Value;
            }
        }
        return null;
    }
}
