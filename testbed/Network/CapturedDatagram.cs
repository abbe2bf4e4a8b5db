using System;
using System.Buffers.Binary;

namespace UefiRecovery.Testbed.Network;

/// <summary>
/// The IPv4 view of a captured Ethernet frame: addresses, protocol, and for UDP the ports, the length
/// the UDP header declares (the real datagram size, even when the capture kept only the first bytes)
/// and the captured part of the payload. Frames that are not IPv4, are fragments, or whose headers do
/// not fit in what was captured are refused.
/// </summary>
public readonly struct CapturedDatagram
{
    public const byte ProtocolIcmp = 1;
    public const byte ProtocolUdp = 17;

    private const int EthernetHeaderLength = 14;
    private const int UdpHeaderLength = 8;

    public long TimestampMicroseconds { get; init; }
    public byte Protocol { get; init; }
    public uint Source { get; init; }
    public uint Destination { get; init; }
    public ushort SourcePort { get; init; }
    public ushort DestinationPort { get; init; }

    /// <summary>UDP: payload bytes per the UDP length field. ICMP: bytes after the IPv4 header per its total length.</summary>
    public int PayloadLength { get; init; }

    /// <summary>The payload as captured (possibly shorter than <see cref="PayloadLength"/>).</summary>
    public byte[] Payload { get; init; }

    public static bool TryParse(CapturedFrame frame, out CapturedDatagram datagram)
    {
        datagram = default;
        ReadOnlySpan<byte> data = frame.Data;
        if (data.Length < EthernetHeaderLength + 20 || BinaryPrimitives.ReadUInt16BigEndian(data.Slice(12)) != 0x0800)
        {
            return false;
        }
        ReadOnlySpan<byte> ip = data.Slice(EthernetHeaderLength);
        int headerLength = (ip[0] & 0x0F) * 4;
        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(ip.Slice(2));
        bool fragment = (BinaryPrimitives.ReadUInt16BigEndian(ip.Slice(6)) & 0x3FFF) != 0;
        if (ip[0] >> 4 != 4 || headerLength < 20 || headerLength > ip.Length || totalLength < headerLength || fragment)
        {
            return false;
        }
        byte protocol = ip[9];
        uint source = BinaryPrimitives.ReadUInt32BigEndian(ip.Slice(12));
        uint destination = BinaryPrimitives.ReadUInt32BigEndian(ip.Slice(16));
        ReadOnlySpan<byte> body = ip.Slice(headerLength);
        if (protocol == ProtocolUdp)
        {
            if (body.Length < UdpHeaderLength)
            {
                return false;
            }
            int udpLength = BinaryPrimitives.ReadUInt16BigEndian(body.Slice(4));
            if (udpLength < UdpHeaderLength || udpLength > totalLength - headerLength)
            {
                return false;
            }
            int payloadLength = udpLength - UdpHeaderLength;
            ReadOnlySpan<byte> captured = body.Slice(UdpHeaderLength);
            datagram = new CapturedDatagram
            {
                TimestampMicroseconds = frame.TimestampMicroseconds,
                Protocol = protocol,
                Source = source,
                Destination = destination,
                SourcePort = BinaryPrimitives.ReadUInt16BigEndian(body),
                DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(body.Slice(2)),
                PayloadLength = payloadLength,
                Payload = captured.Slice(0, Math.Min(captured.Length, payloadLength)).ToArray(),
            };
            return true;
        }
        int bodyLength = totalLength - headerLength;
        datagram = new CapturedDatagram
        {
            TimestampMicroseconds = frame.TimestampMicroseconds,
            Protocol = protocol,
            Source = source,
            Destination = destination,
            PayloadLength = bodyLength,
            Payload = body.Slice(0, Math.Min(body.Length, bodyLength)).ToArray(),
        };
        return true;
    }

    public static string AddressText(uint address) =>
        $"{address >> 24}.{(address >> 16) & 0xFF}.{(address >> 8) & 0xFF}.{address & 0xFF}";
}
