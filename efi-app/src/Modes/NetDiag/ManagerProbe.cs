namespace UefiRecovery.Efi.Modes.NetDiag;

/// <summary>
/// Asks whether the recovery manager is reachable: ARP for the next hop (the manager on-link, else
/// the gateway), then ICMP echo requests to the manager. netstack answers pings but does not send
/// them, so the request is built here from netstack's wire types and the reply is caught as an
/// <see cref="IReceivedFrameObserver"/> before the stack drops it. Non-blocking: the caller polls.
/// </summary>
internal sealed class ManagerProbe : IReceivedFrameObserver
{
    /// <summary>Echo data bytes (Linux ping's default 56 would do too; 32 is Windows').</summary>
    private const int EchoDataLength = 32;

    private readonly Interface _iface;
    private readonly SnpFrameDevice _device;
    private ushort _identifier;
    private ushort _sequence;
    private Ipv4Address _target;
    private long _sentAtMs;

    public ManagerProbe(Interface iface, SnpFrameDevice device, ushort identifier)
    {
        _iface = iface;
        _device = device;
        _identifier = identifier;
    }

    /// <summary>True once a reply to the latest request arrived.</summary>
    public bool ReplySeen { get; private set; }

    /// <summary>Round trip of the reply, in clock ticks' resolution (10 ms).</summary>
    public long RoundTripMs { get; private set; }

    private long _nowMs;

    /// <summary>The MAC to send to the next hop of <paramref name="destination"/>.</summary>
    public static Ipv4Address NextHop(Interface iface, Ipv4Address destination)
        => destination.IsInSubnet(iface.Address, iface.SubnetMask) || iface.Gateway.IsUnspecified ? destination : iface.Gateway;

    /// <summary>Sends the first ARP request for <paramref name="hop"/>; the interface sends the retries.</summary>
    public bool StartArp(Ipv4Address hop, Instant now)
    {
        if (!_device.TryBeginTransmit(EthernetFrame.MinimumFrameLength, out Span<byte> frame))
            return false;
        var request = new ArpRepr(ArpOperation.Request, _iface.MacAddress, _iface.Address, MacAddress.Zero, hop);
        new EthernetRepr(MacAddress.Broadcast, _iface.MacAddress, EtherType.Arp).Emit(frame);
        request.Emit(frame.Slice(EthernetFrame.HeaderLength, request.BufferLength));
        frame.Slice(EthernetFrame.HeaderLength + request.BufferLength).Clear();
        _device.EndTransmit();
        _iface.ArpCache.StartResolving(hop, now);
        return true;
    }

    /// <summary>Sends echo request number <c>sequence+1</c> to <paramref name="target"/> via <paramref name="hopMac"/>.</summary>
    public bool SendEcho(Ipv4Address target, MacAddress hopMac, Instant now)
    {
        var echo = new IcmpEchoRepr(true, _identifier, (ushort)(_sequence + 1), EchoDataLength);
        var ip = new Ipv4Repr(_iface.Address, target, IpProtocol.Icmp, echo.BufferLength, Ipv4Repr.DefaultTimeToLive, (ushort)(0x8000 | _sequence));
        int length = EthernetFrame.HeaderLength + ip.BufferLength;
        if (!_device.TryBeginTransmit(Math.Max(length, EthernetFrame.MinimumFrameLength), out Span<byte> frame))
            return false;
        _sequence++;
        _target = target;
        ReplySeen = false;
        new EthernetRepr(hopMac, _iface.MacAddress, EtherType.Ipv4).Emit(frame);
        ip.Emit(frame.Slice(EthernetFrame.HeaderLength));
        Span<byte> icmp = frame.Slice(EthernetFrame.HeaderLength + ip.HeaderLength, echo.BufferLength);
        for (int i = 0; i < EchoDataLength; i++)
            icmp[IcmpPacket.HeaderLength + i] = (byte)('a' + i % 23);
        echo.Emit(icmp);
        frame.Slice(length).Clear();
        _device.EndTransmit();
        _sentAtMs = now.Milliseconds;
        return true;
    }

    /// <summary>Keeps the clock for round-trip times; call before each poll.</summary>
    public void SetTime(Instant now) => _nowMs = now.Milliseconds;

    public void OnFrameReceived(ReadOnlySpan<byte> buffer)
    {
        if (_sequence == 0 || ReplySeen || !EthernetFrame.TryCreate(buffer, out EthernetFrame frame) || frame.EtherType != EtherType.Ipv4)
            return;
        if (!Ipv4Packet.TryCreate(frame.Payload, out Ipv4Packet packet) || Ipv4Repr.Parse(packet, out Ipv4Repr ip) != PacketStatus.Ok)
            return;
        if (ip.Protocol != IpProtocol.Icmp || !ip.Source.Equals(_target) || !ip.Destination.Equals(_iface.Address))
            return;
        if (!IcmpPacket.TryCreate(packet.Payload, out IcmpPacket icmp) || IcmpEchoRepr.Parse(icmp, out IcmpEchoRepr echo) != PacketStatus.Ok)
            return;
        if (echo.IsRequest || echo.Identifier != _identifier || echo.SequenceNumber != _sequence)
            return;
        ReplySeen = true;
        RoundTripMs = _nowMs - _sentAtMs;
    }
}
