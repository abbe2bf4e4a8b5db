using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using UefiRecovery.Fuzz.Seeds;
using UefiRecovery.Netstack;
using UefiRecovery.Netstack.Iface;
using UefiRecovery.Netstack.Socket;
using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Fuzz.Targets;

/// <summary>
/// The netstack receive path: a sequence of Ethernet frames fed to two fresh interfaces (one configured
/// with a static address, a UDP socket and a joined multicast group; one running DHCP from its first
/// DISCOVER), each followed by a Poll, so ARP, ICMP, IGMP, UDP delivery and the DHCP state machine see
/// them in order and the timers run. Input: byte 0 flags (bit 0 = repair IPv4/UDP/ICMP/IGMP checksums
/// first), then records of [length u16 BE][time step u8, × 64 ms][frame].
/// </summary>
public sealed class NetstackTarget : FuzzTarget
{
    public static readonly MacAddress ConfiguredMac = MacAddress.FromBytes(0x02, 0, 0, 0x77, 0, 0x01);
    public static readonly MacAddress DhcpMac = MacAddress.FromBytes(0x02, 0, 0, 0x77, 0, 0x03);
    public static readonly Ipv4Address ConfiguredAddress = Ipv4Address.FromBytes(10, 77, 0, 1);
    public static readonly Ipv4Address Mask = Ipv4Address.FromBytes(255, 255, 255, 0);
    public static readonly Ipv4Address Group = Ipv4Address.FromBytes(239, 1, 2, 3);
    public const ushort SocketPort = 5000;
    public const uint DhcpSeed = 0x1234_5678;
    public const int RecordHeaderLength = 3;
    public const int TimeStepMs = 64;

    public override string Name => "netstack";

    public override string Description =>
        "netstack receive path: Ethernet/ARP/IPv4/UDP/ICMP/IGMP/DHCP through Interface.Poll on a configured and a DHCP interface";

    private readonly byte[] _receive = new byte[2048];

    public override void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty) return;
        bool repair = (input[0] & 1) != 0;
        (Interface configured, FuzzFrameDevice configuredDevice, UdpSocket socket) = NewConfiguredStack();
        (Interface dhcp, FuzzFrameDevice dhcpDevice, DhcpClient client) = NewDhcpStack();
        long now = 0;
        configured.Poll(new Instant(now));
        dhcp.Poll(new Instant(now));

        int offset = 1;
        while (offset + RecordHeaderLength <= input.Length)
        {
            int length = Math.Min(BinaryPrimitives.ReadUInt16BigEndian(input.Slice(offset)), input.Length - offset - RecordHeaderLength);
            now += input[offset + 2] * TimeStepMs;
            byte[] frame = input.Slice(offset + RecordHeaderLength, length).ToArray();
            offset += RecordHeaderLength + length;
            if (repair) FrameChecksums.Repair(frame);

            configuredDevice.Inject(frame);
            configured.Poll(new Instant(now));
            dhcpDevice.Inject((byte[])frame.Clone()); // the first interface must not have changed what the second sees
            dhcp.Poll(new Instant(now));
            while (socket.TryReceive(_receive, out UdpDatagramInfo info) == UdpStatus.Ok)
            {
                // Echo like netdiag does: the reply path (ARP resolution, emit) runs on hostile addresses.
                socket.TrySend(_receive.AsSpan(0, Math.Min(info.Length, _receive.Length)), info.Source);
            }
        }
        // Let every timer run out: ARP retries, DHCP retransmits and lease expiry, IGMP reports.
        for (int i = 0; i < 4; i++)
        {
            now += 30_000;
            configured.Poll(new Instant(now));
            dhcp.Poll(new Instant(now));
        }
        InvariantViolation.Check(!client.HasLease || dhcp.HasAddress, "DHCP lease without an interface address");
    }

    public static (Interface, FuzzFrameDevice, UdpSocket) NewConfiguredStack()
    {
        var device = new FuzzFrameDevice(ConfiguredMac);
        var iface = new Interface(device, new InterfaceConfig { RandomSeed = 7 });
        iface.SetAddress(ConfiguredAddress, Mask, Ipv4Address.FromBytes(10, 77, 0, 254), new Instant(0));
        var socket = new UdpSocket(SocketPort, 4, 4);
        iface.TryAddSocket(socket);
        iface.TryJoinMulticastGroup(Group);
        return (iface, device, socket);
    }

    public static (Interface, FuzzFrameDevice, DhcpClient) NewDhcpStack()
    {
        var device = new FuzzFrameDevice(DhcpMac);
        var iface = new Interface(device, new InterfaceConfig { RandomSeed = 11 });
        var client = new DhcpClient(DhcpMac, new DhcpConfig(), DhcpSeed);
        iface.AttachDhcp(client);
        return (iface, device, client);
    }

    public override IEnumerable<(string Name, byte[] Data)> GeneratedSeeds() => NetstackSeeds.All();
}
