using System;
using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Fuzz.Targets;

/// <summary>
/// Rewrites the IPv4 header checksum and the UDP/ICMP/IGMP checksum of an Ethernet frame where the lengths
/// allow, so mutated frames get past the checksums to the parsers and state machines behind them.
/// </summary>
public static class FrameChecksums
{
    public static void Repair(Span<byte> frame)
    {
        if (frame.Length < 34 || frame[12] != 0x08 || frame[13] != 0x00) return;
        Span<byte> ip = frame.Slice(14);
        int headerLength = (ip[0] & 0x0F) * 4;
        if (headerLength < 20 || headerLength > ip.Length) return;
        int total = (ip[2] << 8) | ip[3];
        if (total < headerLength || total > ip.Length) return;
        Write(ip.Slice(10), 0);
        Write(ip.Slice(10), Checksum.Compute(ip.Slice(0, headerLength)));
        Span<byte> payload = ip.Slice(headerLength, total - headerLength);
        byte protocol = ip[9];
        if (protocol == 17 && payload.Length >= 8)
        {
            int length = (payload[4] << 8) | payload[5];
            if (length < 8 || length > payload.Length) return;
            Write(payload.Slice(6), 0);
            uint sum = Checksum.PseudoHeader(Ipv4Address.Read(ip.Slice(12)), Ipv4Address.Read(ip.Slice(16)), 17, length);
            ushort udp = Checksum.Finish(Checksum.Accumulate(sum, payload.Slice(0, length)));
            Write(payload.Slice(6), udp == 0 ? (ushort)0xFFFF : udp);
        }
        else if ((protocol == 1 || protocol == 2) && payload.Length >= 8)
        {
            Write(payload.Slice(2), 0);
            Write(payload.Slice(2), Checksum.Compute(payload));
        }
    }

    private static void Write(Span<byte> at, ushort value)
    {
        at[0] = (byte)(value >> 8);
        at[1] = (byte)value;
    }
}
