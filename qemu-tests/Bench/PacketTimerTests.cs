using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;
using UefiRecovery.Testbed.Network;
using Xunit;

namespace UefiRecovery.QemuTests.Bench;

/// <summary>
/// The capture readers the recovery figures rest on (testbed/Network PcapFile, CapturedDatagram,
/// TftpTransferTimer, RecoveryCaptureTimer and HttpCaptureTimer), on captures built here byte by byte: pcap per
/// pcap-savefile(5), TFTP per RFC 1350/2347/2348, the recovery protocol per docs/protocol.md §3-§4, TCP per RFC 9293.
/// Host only, no root.
/// </summary>
public sealed class PacketTimerTests
{
    private const uint Host = 0x0A000001;   // 10.0.0.1
    private const uint Client = 0x0A000014; // 10.0.0.20

    [Fact]
    public void TryParse_LastRecordCutShort_EarlierRecordsReadAndNoError()
    {
        byte[] capture = Pcap((1_000_000, Udp(Host, 1000, Client, 2000, new byte[10])), (2_000_000, Udp(Host, 1000, Client, 2000, new byte[10])));
        bool ok = PcapFile.TryParse(capture.AsSpan(0, capture.Length - 5), out List<CapturedFrame> frames, out string error);
        Assert.True(ok, error);
        Assert.Single(frames);
        Assert.Equal(1_000_000, frames[0].TimestampMicroseconds);
    }

    [Fact]
    public void TryParse_NotPcapOrHugeRecord_RefusedWithReason()
    {
        Assert.False(PcapFile.TryParse(new byte[30], out _, out string notPcap));
        Assert.Contains("not a classic pcap", notPcap);
        byte[] capture = Pcap((1_000_000, Udp(Host, 1000, Client, 2000, new byte[10])));
        BinaryPrimitives.WriteUInt32LittleEndian(capture.AsSpan(24 + 8), 0x7FFFFFFF); // captured length
        Assert.False(PcapFile.TryParse(capture, out _, out string huge));
        Assert.Contains("corrupt record header", huge);
    }

    [Fact]
    public void TryParse_UdpLengthBeyondIpTotalLength_Refused()
    {
        byte[] frame = Udp(Host, 1000, Client, 2000, new byte[10]);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(14 + 20 + 4), 60000);
        Assert.False(CapturedDatagram.TryParse(new CapturedFrame(0, frame, frame.Length), out _));
    }

    [Fact]
    public void Find_OptionReadWithShortLastBlock_TimesFirstDataToAckOfLastBlock()
    {
        byte[] capture = Pcap(
            (1_000_000, Udp(Client, 1053, Host, 69, Rrq("boot.bin", "blksize", "1468", "windowsize", "4"))),
            (1_000_100, Udp(Host, 40000, Client, 1053, Oack("blksize", "1468"))),
            (1_000_200, Udp(Client, 1053, Host, 40000, Tftp(4, 0, 0))),
            (1_000_300, Udp(Host, 40000, Client, 1053, Tftp(3, 1, 1468))),
            (1_000_500, Udp(Client, 1053, Host, 40000, Tftp(4, 1, 0))),
            (1_000_600, Udp(Host, 40000, Client, 1053, Tftp(3, 1, 1468))), // a retransmission
            (1_000_700, Udp(Host, 40000, Client, 1053, Tftp(3, 2, 100))),
            (1_001_000, Udp(Client, 1053, Host, 40000, Tftp(4, 2, 0))));
        Assert.True(PcapFile.TryParse(capture, out List<CapturedFrame> frames, out string error), error);

        TftpTransfer t = Assert.Single(TftpTransferTimer.Find(frames));
        Assert.Equal("boot.bin", t.FileName);
        Assert.Equal("4", t.Option(t.RequestedOptions, "windowsize"));
        Assert.Equal(1468, t.BlockSize);
        Assert.True(t.Complete);
        Assert.Equal(1468 + 100, t.Bytes);
        Assert.Equal(2, t.DistinctBlocks);
        Assert.Equal(1, t.RepeatedDataPackets);
        Assert.Equal(1_000_300, t.FirstDataMicroseconds);
        Assert.Equal(1_001_000, t.FinalAckMicroseconds);
    }

    [Fact]
    public void Find_AbortedSizeProbeThenRead_TwoTransfersOnlyTheReadComplete()
    {
        byte[] capture = Pcap(
            (1_000_000, Udp(Client, 1052, Host, 69, Rrq("f", "tsize", "0"))),
            (1_000_100, Udp(Host, 40000, Client, 1052, Oack("tsize", "600"))),
            (1_000_200, Udp(Client, 1052, Host, 40000, Tftp(5, 8, 0))),
            (1_000_300, Udp(Client, 1053, Host, 69, Rrq("f"))),
            (1_000_400, Udp(Host, 40001, Client, 1053, Tftp(3, 1, 512))),
            (1_000_500, Udp(Client, 1053, Host, 40001, Tftp(4, 1, 0))),
            (1_000_600, Udp(Host, 40001, Client, 1053, Tftp(3, 2, 88))),
            (1_000_700, Udp(Client, 1053, Host, 40001, Tftp(4, 2, 0))));
        Assert.True(PcapFile.TryParse(capture, out List<CapturedFrame> frames, out _));

        List<TftpTransfer> transfers = TftpTransferTimer.Find(frames);
        Assert.Equal(2, transfers.Count);
        Assert.False(transfers[0].Complete);
        Assert.True(transfers[0].ErrorSeen);
        Assert.True(transfers[1].Complete);
        Assert.Equal(512, transfers[1].BlockSize); // no OACK: RFC 1350's block size
        Assert.Equal(600, transfers[1].Bytes);
    }

    [Fact]
    public void Analyze_PassWithProbesThenComplete_DeliveredIsLastDataPlusLagAndLossless()
    {
        byte[] capture = Pcap(
            (1_000_000, Udp(Host, 40123, 0x0A0000FF, 40124, Data(0))),
            (1_000_100, Icmp(Host, Client, 8, 7, 1)),
            (1_000_200, Udp(Host, 40123, 0x0A0000FF, 40124, Data(1))),
            (1_000_400, Icmp(Client, Host, 0, 7, 1)),
            (1_000_500, Icmp(Host, Client, 8, 7, 2)),
            (1_000_600, Udp(Host, 40123, 0x0A0000FF, 40124, Data(2))),
            (1_000_800, Icmp(Client, Host, 0, 7, 2)),
            (1_001_000, Udp(Host, 40123, 0x0A0000FF, 40124, Message(5, new byte[16]))),
            (1_001_100, Icmp(Host, Client, 8, 7, 3)),
            (1_050_000, Icmp(Client, Host, 0, 7, 3)),
            (1_090_000, Udp(Client, 40124, Host, 40123, Message(6, new byte[16]))));
        Assert.True(PcapFile.TryParse(capture, out List<CapturedFrame> frames, out _));

        RecoveryCaptureTimer t = RecoveryCaptureTimer.Analyze(frames, Client);
        Assert.Equal(3, t.DataFrames);
        Assert.Equal(3, t.DistinctFragments);
        Assert.True(t.Lossless);
        Assert.Equal(1_000_000, t.FirstDataMicroseconds);
        Assert.Equal(1_000_600, t.LastDataBeforeCompleteMicroseconds);
        Assert.Equal(2, t.ProbesDuringData);
        Assert.Equal(300, t.EndLagMicroseconds);
        Assert.Equal(100, t.EndProbeGapMicroseconds);
        Assert.Equal(1, t.FramesAfterEndProbe);
        Assert.True(t.DeliveryEstimated);
        Assert.Equal(1_000_800, t.DeliveredLowerMicroseconds);
        Assert.Equal(1_050_000, t.DeliveredUpperMicroseconds);
        Assert.Equal(1_000_900, t.DeliveredMicroseconds);
        Assert.Equal(1_050_000, t.DrainReplyMicroseconds);
        Assert.Equal(1_090_000, t.CompleteMicroseconds);
    }

    [Fact]
    public void Analyze_BurstOutrunsTheProbe_OnlyBoundsNoEstimate()
    {
        var records = new List<(long, byte[])>
        {
            (1_000_000, Udp(Host, 40123, 0x0A0000FF, 40124, Data(0))),
            (1_000_010, Icmp(Host, Client, 8, 7, 1)),
        };
        for (uint i = 1; i <= 20; i++)
        {
            records.Add((1_000_010 + i * 10, Udp(Host, 40123, 0x0A0000FF, 40124, Data(i))));
        }
        records.Add((1_002_000, Icmp(Client, Host, 0, 7, 1)));
        records.Add((1_003_000, Udp(Host, 40123, 0x0A0000FF, 40124, Message(5, new byte[16]))));
        records.Add((1_200_000, Udp(Client, 40124, Host, 40123, Message(6, new byte[16]))));
        Assert.True(PcapFile.TryParse(Pcap(records.ToArray()), out List<CapturedFrame> frames, out _));

        RecoveryCaptureTimer t = RecoveryCaptureTimer.Analyze(frames, Client);
        Assert.Equal(20, t.FramesAfterEndProbe);
        Assert.False(t.DeliveryEstimated);
        Assert.False(t.DeliveryMeasured); // 1.002 s .. 1.2 s: the bounds are far apart
        Assert.Equal(1_002_000, t.DeliveredLowerMicroseconds); // the probe's reply came after the last DATA was sent
        Assert.Equal(1_200_000, t.DeliveredMicroseconds);
    }

    [Fact]
    public void Analyze_NackThenRepair_NotLosslessAndDeliveryBoundedByComplete()
    {
        byte[] nack = new byte[16];
        nack[4] = 1; // kind: NACK ranges
        byte[] capture = Pcap(
            (1_000_000, Udp(Host, 40123, 0x0A0000FF, 40124, Data(0))),
            (1_001_000, Udp(Host, 40123, 0x0A0000FF, 40124, Message(5, new byte[16]))),
            (1_100_000, Udp(Client, 40124, Host, 40123, Message(6, nack))),
            (1_200_000, Udp(Host, 40123, 0x0A0000FF, 40124, Data(1))),
            (1_201_000, Udp(Host, 40123, 0x0A0000FF, 40124, Message(5, new byte[16]))),
            (1_300_000, Udp(Client, 40124, Host, 40123, Message(6, new byte[16]))));
        Assert.True(PcapFile.TryParse(capture, out List<CapturedFrame> frames, out _));

        RecoveryCaptureTimer t = RecoveryCaptureTimer.Analyze(frames, Client);
        Assert.False(t.Lossless);
        Assert.Equal(1, t.NackStatuses);
        Assert.Equal(1_201_000, t.FinalStatusRequestMicroseconds);
        Assert.Equal(-1, t.EndLagMicroseconds);
        Assert.False(t.DeliveryEstimated);
        Assert.Equal(1_300_000, t.DeliveredMicroseconds);
    }

    [Fact]
    public void HttpAnalyze_DownloadWithRepeatAndEarlyAck_TimesSynToAckOfLastByte()
    {
        uint isn = 0xFFFFFF00; // the server's sequence numbers wrap during the transfer
        byte[] capture = Pcap(
            (900_000, ArpRequest(Client, Client)),                                       // the app's announcement: not for the server
            (990_000, ArpRequest(Client, Host)),
            (990_100, ArpRequest(Client, Host)),
            (1_000_000, Tcp(Client, 50000, Host, 8080, 7, 0, Syn, 0)),
            (1_000_100, Tcp(Host, 8080, Client, 50000, isn, 8, Syn | Ack, 0)),
            (1_000_200, Tcp(Client, 50000, Host, 8080, 8, isn + 1, Ack, 60)),          // the GET
            (1_001_000, Tcp(Host, 8080, Client, 50000, isn + 1, 68, Ack, 1000)),
            (1_001_100, Tcp(Client, 50000, Host, 8080, 68, isn + 1001, Ack, 0)),     // acknowledges only the first segment
            (1_002_000, Tcp(Host, 8080, Client, 50000, isn + 1001, 68, Ack, 500)),
            (1_002_100, Tcp(Host, 8080, Client, 50000, isn + 1, 68, Ack, 1000)),     // a repeat
            (1_002_200, Tcp(Host, 8080, Client, 50000, isn + 1501, 68, Fin | Ack, 0)),
            (1_003_000, Tcp(Client, 50000, Host, 8080, 68, isn + 1501, Ack, 0)),     // the last byte
            (1_004_000, Tcp(Client, 50000, Host, 8080, 68, isn + 1502, Fin | Ack, 0)));
        Assert.True(PcapFile.TryParse(capture, out List<CapturedFrame> frames, out string error), error);

        HttpCaptureTimer t = HttpCaptureTimer.Analyze(frames, Client, Host, 8080);
        Assert.True(t.Complete);
        Assert.Equal(1500, t.ServerBytes);
        Assert.Equal(1, t.RepeatedSegments);
        Assert.Equal(990_000, t.ArpRequestMicroseconds);
        Assert.Equal(1_000_000, t.SynMicroseconds);
        Assert.Equal(1_001_000, t.FirstDataMicroseconds);
        Assert.Equal(1_002_000, t.LastDataMicroseconds);
        Assert.Equal(1_003_000, t.FinalAckMicroseconds);
    }

    [Fact]
    public void HttpAnalyze_NoServerFin_NotComplete()
    {
        byte[] capture = Pcap(
            (1_000_000, Tcp(Client, 50000, Host, 8080, 7, 0, Syn, 0)),
            (1_000_100, Tcp(Host, 8080, Client, 50000, 100, 8, Syn | Ack, 0)),
            (1_001_000, Tcp(Host, 8080, Client, 50000, 101, 8, Ack, 1000)),
            (1_001_100, Tcp(Client, 50000, Host, 8080, 8, 1101, Ack, 0)));
        Assert.True(PcapFile.TryParse(capture, out List<CapturedFrame> frames, out string error), error);

        HttpCaptureTimer t = HttpCaptureTimer.Analyze(frames, Client, Host, 8080);
        Assert.Equal(1_001_100, t.FinalAckMicroseconds);
        Assert.False(t.Complete);
    }

    // ---- capture builders ----

    private const byte Fin = 0x01;
    private const byte Syn = 0x02;
    private const byte Ack = 0x10;

    /// <summary>An ARP request (Ethernet, IPv4) from <paramref name="sender"/> for <paramref name="target"/>, broadcast.</summary>
    private static byte[] ArpRequest(uint sender, uint target)
    {
        var frame = new byte[42];
        frame.AsSpan(0, 6).Fill(0xFF);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x0806);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(14), 1);      // hardware: Ethernet
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(16), 0x0800); // protocol: IPv4
        frame[18] = 6;
        frame[19] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(20), 1);      // request
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(28), sender);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(38), target);
        return frame;
    }

    /// <summary>A TCP segment (20-byte header, no options) carrying <paramref name="dataLength"/> zero bytes.</summary>
    private static byte[] Tcp(uint source, ushort sourcePort, uint destination, ushort destinationPort, uint sequence, uint acknowledged, byte flags, int dataLength)
    {
        var tcp = new byte[20 + dataLength];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(tcp.AsSpan(4), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(tcp.AsSpan(8), acknowledged);
        tcp[12] = 5 << 4;
        tcp[13] = flags;
        return Ipv4(source, destination, 6, tcp);
    }

    private static byte[] Pcap(params (long Microseconds, byte[] Frame)[] records)
    {
        using var stream = new MemoryStream();
        var header = new byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0xA1B2C3D4);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), 4);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), 65535);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), 1);
        stream.Write(header);
        foreach ((long at, byte[] frame) in records)
        {
            var record = new byte[16];
            BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)(at / 1_000_000));
            BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(4), (uint)(at % 1_000_000));
            BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(8), (uint)frame.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(12), (uint)frame.Length);
            stream.Write(record);
            stream.Write(frame);
        }
        return stream.ToArray();
    }

    private static byte[] Ipv4(uint source, uint destination, byte protocol, byte[] body)
    {
        var frame = new byte[14 + 20 + body.Length];
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x0800);
        frame[14] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(16), (ushort)(20 + body.Length));
        frame[14 + 8] = 64;
        frame[14 + 9] = protocol;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(14 + 12), source);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(14 + 16), destination);
        body.CopyTo(frame, 34);
        return frame;
    }

    private static byte[] Udp(uint source, ushort sourcePort, uint destination, ushort destinationPort, byte[] payload)
    {
        var udp = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(udp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(4), (ushort)udp.Length);
        payload.CopyTo(udp, 8);
        return Ipv4(source, destination, CapturedDatagram.ProtocolUdp, udp);
    }

    private static byte[] Icmp(uint source, uint destination, byte type, ushort id, ushort seq)
    {
        var icmp = new byte[8 + 11];
        icmp[0] = type;
        BinaryPrimitives.WriteUInt16BigEndian(icmp.AsSpan(4), id);
        BinaryPrimitives.WriteUInt16BigEndian(icmp.AsSpan(6), seq);
        return Ipv4(source, destination, CapturedDatagram.ProtocolIcmp, icmp);
    }

    private static byte[] Rrq(string file, params string[] options)
    {
        var text = new StringBuilder(file).Append('\0').Append("octet").Append('\0');
        foreach (string option in options)
        {
            text.Append(option).Append('\0');
        }
        return Concat(new byte[] { 0, 1 }, Encoding.ASCII.GetBytes(text.ToString()));
    }

    private static byte[] Oack(params string[] options) => Concat(new byte[] { 0, 6 }, Encoding.ASCII.GetBytes(string.Join("\0", options) + "\0"));

    private static byte[] Tftp(ushort opcode, ushort number, int dataLength)
    {
        var packet = new byte[4 + dataLength];
        BinaryPrimitives.WriteUInt16BigEndian(packet, opcode);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), number);
        return packet;
    }

    /// <summary>A recovery-protocol datagram: the 32-byte header (magic, version 1, type, payload length) and the payload.</summary>
    private static byte[] Message(byte type, byte[] payload)
    {
        var message = new byte[32 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(message, 0x55524350);
        message[4] = 1;
        message[5] = type;
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(24), (ushort)payload.Length);
        payload.CopyTo(message, 32);
        return message;
    }

    private static byte[] Data(uint index)
    {
        var body = new byte[8 + 1432];
        BinaryPrimitives.WriteUInt32BigEndian(body, index);
        return Message(4, body);
    }

    private static byte[] Concat(byte[] a, byte[] b)
    {
        var joined = new byte[a.Length + b.Length];
        a.CopyTo(joined, 0);
        b.CopyTo(joined, a.Length);
        return joined;
    }
}
