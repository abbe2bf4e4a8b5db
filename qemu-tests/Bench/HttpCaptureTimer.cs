using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using UefiRecovery.Testbed.Network;

namespace UefiRecovery.QemuTests.Bench;

/// <summary>
/// Times one HTTP download from a tcpdump capture of the machine's tap (the host's clock): the client's first ARP
/// request for the server (when its connect began, if it had to resolve), its first SYN to the server's port, the server's first and last new data, and the client's ACK that covers the server's last data
/// byte. Bytes are what the server's TCP sent (response head and body), counted by sequence number, so a
/// retransmission or a segmentation offload does not change them. Times are capture timestamps, microseconds.
/// </summary>
public sealed class HttpCaptureTimer
{
    private const byte ProtocolTcp = 6;
    private const byte FlagFin = 0x01;
    private const byte FlagSyn = 0x02;
    private const byte FlagAck = 0x10;

    /// <summary>The client's first ARP request for the server before its SYN (0: none, the address was known).</summary>
    public long ArpRequestMicroseconds { get; private set; }

    public long SynMicroseconds { get; private set; }
    public long FirstDataMicroseconds { get; private set; }
    public long LastDataMicroseconds { get; private set; }

    /// <summary>The client's first ACK at or beyond the end of the server's data (0: none captured).</summary>
    public long FinalAckMicroseconds { get; private set; }

    /// <summary>Distinct bytes the server sent: head and body.</summary>
    public long ServerBytes { get; private set; }

    /// <summary>Server segments that carried no new byte (repeats).</summary>
    public int RepeatedSegments { get; private set; }

    public bool ServerFinished { get; private set; }

    public bool Complete => SynMicroseconds != 0 && FinalAckMicroseconds != 0 && ServerFinished;

    public double SynToFinalAckSeconds => (FinalAckMicroseconds - SynMicroseconds) / 1e6;

    public double FirstDataToFinalAckSeconds => (FinalAckMicroseconds - FirstDataMicroseconds) / 1e6;

    public static HttpCaptureTimer Analyze(IReadOnlyList<CapturedFrame> frames, uint client, uint server, ushort serverPort)
    {
        var timer = new HttpCaptureTimer();
        ushort clientPort = 0;
        uint serverIsn = 0;
        bool haveIsn = false;
        long dataEnd = 0; // relative to the server's ISN; 1 = no data yet (the SYN takes one number)
        foreach (CapturedFrame frame in frames)
        {
            if (timer.SynMicroseconds == 0 && timer.ArpRequestMicroseconds == 0 && IsArpRequest(frame.Data, client, server))
            {
                timer.ArpRequestMicroseconds = frame.TimestampMicroseconds;
                continue;
            }
            if (!CapturedDatagram.TryParse(frame, out CapturedDatagram d) || d.Protocol != ProtocolTcp || d.Payload.Length < 20)
            {
                continue;
            }
            byte[] tcp = d.Payload;
            ushort sourcePort = BinaryPrimitives.ReadUInt16BigEndian(tcp);
            ushort destinationPort = BinaryPrimitives.ReadUInt16BigEndian(tcp.AsSpan(2));
            uint sequence = BinaryPrimitives.ReadUInt32BigEndian(tcp.AsSpan(4));
            uint acknowledged = BinaryPrimitives.ReadUInt32BigEndian(tcp.AsSpan(8));
            int dataLength = d.PayloadLength - (tcp[12] >> 4) * 4;
            byte flags = tcp[13];
            long at = d.TimestampMicroseconds;
            if (d.Source == client && d.Destination == server && destinationPort == serverPort)
            {
                if ((flags & FlagSyn) != 0 && timer.SynMicroseconds == 0)
                {
                    timer.SynMicroseconds = at;
                    clientPort = sourcePort;
                }
                else if (sourcePort == clientPort && haveIsn && (flags & FlagAck) != 0 && dataEnd > 1
                    && timer.FinalAckMicroseconds == 0 && unchecked(acknowledged - serverIsn) >= dataEnd)
                {
                    timer.FinalAckMicroseconds = at;
                }
            }
            else if (d.Source == server && d.Destination == client && sourcePort == serverPort && destinationPort == clientPort && clientPort != 0)
            {
                if ((flags & FlagSyn) != 0)
                {
                    serverIsn = sequence;
                    haveIsn = true;
                    dataEnd = 1;
                    continue;
                }
                if (!haveIsn)
                {
                    continue;
                }
                timer.ServerFinished |= (flags & FlagFin) != 0;
                long end = unchecked(sequence - serverIsn) + (long)dataLength;
                if (dataLength <= 0)
                {
                    continue;
                }
                if (end > dataEnd)
                {
                    dataEnd = end;
                    timer.FirstDataMicroseconds = timer.FirstDataMicroseconds == 0 ? at : timer.FirstDataMicroseconds;
                    timer.LastDataMicroseconds = at;
                    timer.FinalAckMicroseconds = 0; // the client has to acknowledge the new bytes too
                }
                else
                {
                    timer.RepeatedSegments++;
                }
            }
        }
        timer.ServerBytes = dataEnd > 1 ? dataEnd - 1 : 0;
        return timer;
    }

    /// <summary>An Ethernet ARP request (RFC 826, IPv4 over Ethernet) from <paramref name="sender"/> asking for <paramref name="target"/>.</summary>
    private static bool IsArpRequest(byte[] frame, uint sender, uint target) =>
        frame.Length >= 42 && BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(12)) == 0x0806
        && BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(20)) == 1
        && BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(28)) == sender
        && BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(38)) == target;
}
