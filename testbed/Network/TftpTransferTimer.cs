using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace UefiRecovery.Testbed.Network;

/// <summary>
/// Finds the TFTP reads in a capture and times them from the host's clock: RRQ, first DATA, and the
/// client's ACK of the final short block (RFC 1350 §6: a block shorter than the block size ends the
/// transfer). A client that sends a second RRQ from a new port (EDK2's PxeBc first asks for tsize and
/// aborts, then reads) makes a second transfer.
/// </summary>
public static class TftpTransferTimer
{
    public const ushort ServerPort = 69;

    private const ushort OpRead = 1;
    private const ushort OpData = 3;
    private const ushort OpAck = 4;
    private const ushort OpError = 5;
    private const ushort OpOptionAck = 6;

    public static List<TftpTransfer> Find(IReadOnlyList<CapturedFrame> frames)
    {
        var transfers = new List<TftpTransfer>();
        var open = new Dictionary<(uint Address, ushort Port), TftpTransfer>();
        var blocks = new Dictionary<TftpTransfer, BlockState>();
        foreach (CapturedFrame frame in frames)
        {
            if (!CapturedDatagram.TryParse(frame, out CapturedDatagram d) || d.Protocol != CapturedDatagram.ProtocolUdp || d.Payload.Length < 2)
            {
                continue;
            }
            ushort opcode = BinaryPrimitives.ReadUInt16BigEndian(d.Payload);
            if (d.DestinationPort == ServerPort && opcode == OpRead)
            {
                List<string> fields = NulTerminatedStrings(d.Payload.AsSpan(2));
                if (fields.Count < 2)
                {
                    continue;
                }
                var transfer = new TftpTransfer
                {
                    Client = d.Source,
                    ClientPort = d.SourcePort,
                    Server = d.Destination,
                    FileName = fields[0],
                    RequestedOptions = Pairs(fields, 2),
                    RequestMicroseconds = d.TimestampMicroseconds,
                };
                transfers.Add(transfer);
                open[(d.Source, d.SourcePort)] = transfer;
                blocks[transfer] = new BlockState();
                continue;
            }
            if (open.TryGetValue((d.Destination, d.DestinationPort), out TftpTransfer? toClient) && d.Source == toClient.Server)
            {
                if (toClient.ServerPort == 0)
                {
                    toClient.ServerPort = d.SourcePort;
                }
                if (d.SourcePort != toClient.ServerPort)
                {
                    continue;
                }
                FromServer(toClient, blocks[toClient], opcode, d);
            }
            else if (open.TryGetValue((d.Source, d.SourcePort), out TftpTransfer? fromClient) && d.Destination == fromClient.Server
                     && fromClient.ServerPort != 0 && d.DestinationPort == fromClient.ServerPort)
            {
                FromClient(fromClient, blocks[fromClient], opcode, d);
            }
        }
        return transfers;
    }

    private static void FromServer(TftpTransfer t, BlockState state, ushort opcode, in CapturedDatagram d)
    {
        switch (opcode)
        {
            case OpOptionAck:
                t.AcknowledgedOptions = Pairs(NulTerminatedStrings(d.Payload.AsSpan(2)), 0);
                string? size = t.Option(t.AcknowledgedOptions, "blksize");
                if (size != null && int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out int blockSize) && blockSize is >= 8 and <= 65464)
                {
                    t.BlockSize = blockSize;
                }
                break;
            case OpData when d.Payload.Length >= 4 && d.PayloadLength >= 4:
                long block = state.Unwrap(BinaryPrimitives.ReadUInt16BigEndian(d.Payload.AsSpan(2)));
                int length = d.PayloadLength - 4;
                t.DataPackets++;
                if (t.FirstDataMicroseconds == 0)
                {
                    t.FirstDataMicroseconds = d.TimestampMicroseconds;
                }
                t.LastDataMicroseconds = d.TimestampMicroseconds;
                if (state.Sizes.TryAdd(block, length))
                {
                    t.DistinctBlocks++;
                    t.Bytes += length;
                }
                else
                {
                    t.RepeatedDataPackets++;
                }
                state.SentAt[block] = d.TimestampMicroseconds;
                if (length < t.BlockSize)
                {
                    state.FinalBlock = block;
                }
                break;
            case OpError:
                t.ErrorSeen = true;
                List<string> message = NulTerminatedStrings(d.Payload.AsSpan(Math.Min(4, d.Payload.Length)));
                t.ErrorText = "server: " + (message.Count > 0 ? message[0] : "");
                break;
        }
    }

    private static void FromClient(TftpTransfer t, BlockState state, ushort opcode, in CapturedDatagram d)
    {
        if (opcode == OpAck && d.Payload.Length >= 4)
        {
            long block = state.UnwrapAck(BinaryPrimitives.ReadUInt16BigEndian(d.Payload.AsSpan(2)));
            if (state.SentAt.TryGetValue(block, out long sentAt) && state.Acked.Add(block))
            {
                t.DataToAckMicroseconds.Add(d.TimestampMicroseconds - sentAt);
            }
            if (state.FinalBlock >= 0 && block == state.FinalBlock && t.FinalAckMicroseconds == 0)
            {
                t.FinalAckMicroseconds = d.TimestampMicroseconds;
            }
        }
        else if (opcode == OpError)
        {
            t.ErrorSeen = true;
            List<string> message = NulTerminatedStrings(d.Payload.AsSpan(Math.Min(4, d.Payload.Length)));
            t.ErrorText = "client: " + (message.Count > 0 ? message[0] : "");
        }
    }

    /// <summary>Block numbers are 16 bits and wrap (RFC 2348 allows files past 65535 blocks); count on.</summary>
    private sealed class BlockState
    {
        private long _highest;

        public Dictionary<long, int> Sizes { get; } = new();
        public Dictionary<long, long> SentAt { get; } = new();
        public HashSet<long> Acked { get; } = new();
        public long FinalBlock { get; set; } = -1;

        public long Unwrap(ushort wire)
        {
            long candidate = (_highest & ~0xFFFFL) | wire;
            if (candidate < _highest - 0x8000)
            {
                candidate += 0x10000;
            }
            else if (candidate > _highest + 0x8000 && candidate >= 0x10000)
            {
                candidate -= 0x10000;
            }
            _highest = Math.Max(_highest, candidate);
            return candidate;
        }

        public long UnwrapAck(ushort wire)
        {
            long candidate = (_highest & ~0xFFFFL) | wire;
            return candidate > _highest && candidate >= 0x10000 ? candidate - 0x10000 : candidate;
        }
    }

    private static List<string> NulTerminatedStrings(ReadOnlySpan<byte> bytes)
    {
        var strings = new List<string>();
        int start = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == 0)
            {
                strings.Add(Encoding.ASCII.GetString(bytes.Slice(start, i - start)));
                start = i + 1;
            }
        }
        return strings; // an unterminated tail (cut by the snap length) is left out
    }

    private static List<KeyValuePair<string, string>> Pairs(List<string> fields, int first)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        for (int i = first; i + 1 < fields.Count; i += 2)
        {
            pairs.Add(new KeyValuePair<string, string>(fields[i], fields[i + 1]));
        }
        return pairs;
    }
}
