namespace UefiRecovery.Efi.Modes.Recovery;

/// <summary>
/// The client engine's UDP (<see cref="IDatagramTransport"/>) over the netstack: one socket on the
/// client port, bound to the interface. Sending only queues; the caller's loop runs
/// <c>Interface.Poll</c>, which transmits and fills the receive ring. Nothing is allocated after setup.
/// </summary>
internal sealed class NetstackDatagramTransport : IDatagramTransport
{
    private readonly Interface _interface;
    private readonly UdpSocket _socket;

    /// <param name="receiveSlots">Ring size: a paced pass arrives faster than a slow poll loop drains it; what overflows is NACKed.</param>
    public NetstackDatagramTransport(Interface iface, ushort localPort, int receiveSlots, int transmitSlots)
    {
        _interface = iface;
        _socket = new UdpSocket(localPort, receiveSlots, transmitSlots);
        Bound = iface.TryAddSocket(_socket);
    }

    /// <summary>False when the interface had no room for the socket (nothing would ever arrive).</summary>
    public bool Bound { get; }

    public UdpSocket Socket => _socket;

    /// <summary>Sends refused because the transmit ring was full (the engine's retries cover them).</summary>
    public uint SendsRefused { get; private set; }

    public bool TrySend(in DatagramEndpoint destination, ReadOnlySpan<byte> datagram)
    {
        UdpStatus status = _socket.TrySend(datagram, new UdpEndpoint(new Ipv4Address(destination.Address), destination.Port));
        if (status != UdpStatus.Ok)
        {
            SendsRefused++;
            return false;
        }
        return true;
    }

    public int TryReceive(Span<byte> buffer, out DatagramEndpoint source)
    {
        while (true)
        {
            UdpStatus status = _socket.TryReceive(buffer, out UdpDatagramInfo info);
            if (status == UdpStatus.Ok)
            {
                source = new DatagramEndpoint(info.Source.Address.Value, info.Source.Port);
                return info.Length;
            }
            if (status == UdpStatus.TooLarge)
            {
                // The contract: a datagram longer than the buffer is dropped, not truncated.
                _socket.DiscardReceived();
                continue;
            }
            source = default;
            return 0;
        }
    }

    public bool TryJoinMulticastGroup(uint groupAddress) => _interface.TryJoinMulticastGroup(new Ipv4Address(groupAddress));
}
