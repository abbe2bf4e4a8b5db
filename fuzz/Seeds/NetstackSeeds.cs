using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using UefiRecovery.Fuzz.Targets;
using UefiRecovery.Netstack;
using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Fuzz.Seeds;

/// <summary>
/// Seeds for the netstack target, made at run time with the netstack's own emitters: ARP, ICMP echo,
/// UDP to the socket and to the joined group, IGMP queries, and a DHCP OFFER/ACK exchange carrying the
/// transaction id the target's DHCP client really uses (read from its first DISCOVER).
/// </summary>
public static class NetstackSeeds
{
    private static readonly MacAddress PeerMac = MacAddress.FromBytes(0x02, 0, 0, 0x77, 0, 0x02);
    private static readonly Ipv4Address PeerAddress = Ipv4Address.FromBytes(10, 77, 0, 2);
    private static readonly Ipv4Address LeasedAddress = Ipv4Address.FromBytes(10, 77, 0, 50);

    public static IEnumerable<(string Name, byte[] Data)> All()
    {
        byte[] arpRequest = Arp(ArpOperation.Request, MacAddress.Broadcast, NetstackTarget.ConfiguredAddress, MacAddress.Zero);
        byte[] arpReply = Arp(ArpOperation.Reply, NetstackTarget.ConfiguredMac, NetstackTarget.ConfiguredAddress, NetstackTarget.ConfiguredMac);
        byte[] echo = IcmpEcho(NetstackTarget.ConfiguredMac, NetstackTarget.ConfiguredAddress);
        byte[] udp = Udp(NetstackTarget.ConfiguredMac, NetstackTarget.ConfiguredAddress, 40000, NetstackTarget.SocketPort, "hello from the fuzzer"u8);
        byte[] multicast = Udp(MacAddress.FromIpv4Multicast(NetstackTarget.Group), NetstackTarget.Group, 40000, NetstackTarget.SocketPort, "group"u8);
        byte[] generalQuery = Igmp(new IgmpRepr(IgmpMessageType.MembershipQuery, 100, Ipv4Address.Unspecified), Ipv4Address.FromBytes(224, 0, 0, 1));
        byte[] groupQuery = Igmp(new IgmpRepr(IgmpMessageType.MembershipQuery, 10, NetstackTarget.Group), NetstackTarget.Group);

        yield return ("arp-request", Records(arpRequest));
        yield return ("icmp-echo", Records(echo));
        yield return ("udp-echo-then-arp-reply", Records(udp, arpReply));
        yield return ("arp-then-udp", Records(arpRequest, udp));
        yield return ("multicast-udp", Records(multicast));
        yield return ("igmp-queries", Records(generalQuery, groupQuery));

        uint xid = FirstDhcpTransactionId();
        byte[] offer = DhcpReply(DhcpMessageType.Offer, xid);
        byte[] ack = DhcpReply(DhcpMessageType.Ack, xid);
        byte[] echoToLease = IcmpEcho(NetstackTarget.DhcpMac, LeasedAddress);
        yield return ("dhcp-offer-ack-echo", Records(offer, ack, echoToLease));
    }

    /// <summary>The input of the netstack target for these frames, checksums repaired, one 64 ms step apart.</summary>
    public static byte[] Records(params byte[][] frames)
    {
        int total = 1;
        foreach (byte[] frame in frames) total += NetstackTarget.RecordHeaderLength + frame.Length;
        byte[] input = new byte[total];
        input[0] = 1;
        int offset = 1;
        foreach (byte[] frame in frames)
        {
            BinaryPrimitives.WriteUInt16BigEndian(input.AsSpan(offset), (ushort)frame.Length);
            input[offset + 2] = 1;
            frame.CopyTo(input, offset + NetstackTarget.RecordHeaderLength);
            offset += NetstackTarget.RecordHeaderLength + frame.Length;
        }
        return input;
    }

    private static uint FirstDhcpTransactionId()
    {
        var (iface, device, _) = NetstackTarget.NewDhcpStack();
        iface.Poll(new Instant(0));
        ReadOnlySpan<byte> discover = device.LastSent;
        if (!EthernetFrame.TryCreate(discover, out EthernetFrame frame) || !Ipv4Packet.TryCreate(frame.Payload, out Ipv4Packet ip)
            || !UdpPacket.TryCreate(ip.Payload, out UdpPacket udp) || !DhcpMessage.TryCreate(udp.Payload, out DhcpMessage dhcp)
            || DhcpRepr.Parse(dhcp, out DhcpRepr repr) != PacketStatus.Ok)
        {
            throw new InvalidOperationException("the DHCP client sent no DISCOVER at its first poll");
        }
        return repr.TransactionId;
    }

    private static byte[] DhcpReply(DhcpMessageType type, uint xid)
    {
        var repr = new DhcpRepr(type, true, xid, 0, true, NetstackTarget.DhcpMac, Ipv4Address.Unspecified, LeasedAddress,
            PeerAddress, Ipv4Address.Unspecified, PeerAddress, Ipv4Address.Unspecified, NetstackTarget.Mask, PeerAddress,
            600, 300, 525, PeerAddress, 40123);
        byte[] payload = new byte[repr.BufferLength];
        repr.Emit(payload);
        return Udp(MacAddress.Broadcast, Ipv4Address.Broadcast, DhcpMessage.ServerPort, DhcpMessage.ClientPort, payload);
    }

    private static byte[] Arp(ArpOperation operation, MacAddress destinationMac, Ipv4Address target, MacAddress targetMac)
    {
        var arp = new ArpRepr(operation, PeerMac, PeerAddress, targetMac, target);
        byte[] frame = new byte[EthernetFrame.HeaderLength + arp.BufferLength];
        new EthernetRepr(destinationMac, PeerMac, EtherType.Arp).Emit(frame);
        arp.Emit(frame.AsSpan(EthernetFrame.HeaderLength));
        return frame;
    }

    private static byte[] IcmpEcho(MacAddress destinationMac, Ipv4Address destination)
    {
        var echo = new IcmpEchoRepr(true, 0x45E2, 1, 16);
        var ip = new Ipv4Repr(PeerAddress, destination, IpProtocol.Icmp, echo.BufferLength);
        byte[] frame = new byte[EthernetFrame.HeaderLength + ip.BufferLength];
        new EthernetRepr(destinationMac, PeerMac, EtherType.Ipv4).Emit(frame);
        ip.Emit(frame.AsSpan(EthernetFrame.HeaderLength));
        Span<byte> message = frame.AsSpan(EthernetFrame.HeaderLength + ip.HeaderLength);
        for (int i = 0; i < 16; i++) message[IcmpPacket.HeaderLength + i] = (byte)i;
        echo.Emit(message);
        return frame;
    }

    private static byte[] Igmp(IgmpRepr igmp, Ipv4Address destination)
    {
        var ip = new Ipv4Repr(PeerAddress, destination, IpProtocol.Igmp, igmp.BufferLength, 1, 0, true);
        byte[] frame = new byte[EthernetFrame.HeaderLength + ip.BufferLength];
        new EthernetRepr(MacAddress.FromIpv4Multicast(destination), PeerMac, EtherType.Ipv4).Emit(frame);
        ip.Emit(frame.AsSpan(EthernetFrame.HeaderLength));
        igmp.Emit(frame.AsSpan(EthernetFrame.HeaderLength + ip.HeaderLength));
        return frame;
    }

    /// <summary>A UDP datagram from the peer (10.77.0.2, 02:00:00:77:00:02).</summary>
    private static byte[] Udp(MacAddress destinationMac, Ipv4Address destination, ushort sourcePort, ushort destinationPort, ReadOnlySpan<byte> payload)
    {
        Ipv4Address from = PeerAddress;
        var udp = new UdpRepr(sourcePort, destinationPort, payload.Length);
        var ip = new Ipv4Repr(from, destination, IpProtocol.Udp, udp.BufferLength);
        byte[] frame = new byte[EthernetFrame.HeaderLength + ip.BufferLength];
        new EthernetRepr(destinationMac, PeerMac, EtherType.Ipv4).Emit(frame);
        ip.Emit(frame.AsSpan(EthernetFrame.HeaderLength));
        Span<byte> datagram = frame.AsSpan(EthernetFrame.HeaderLength + ip.HeaderLength);
        payload.CopyTo(datagram.Slice(UdpPacket.HeaderLength));
        udp.Emit(datagram, from, destination);
        return frame;
    }
}
