namespace UefiRecovery.Efi.Modes.NetDiag;

/// <summary>
/// The Echo Protocol over UDP (RFC 862): every datagram to port 7 goes back to its sender unchanged.
/// Only unicast datagrams are answered, so a broadcast cannot make every recovering machine reply.
/// </summary>
internal sealed class UdpEchoService
{
    public const ushort Port = 7;

    public UdpEchoService()
    {
        Socket = new UdpSocket(Port, receiveSlots: 8, transmitSlots: 8);
    }

    public UdpSocket Socket { get; }

    public long Echoed { get; private set; }

    public long IgnoredNonUnicast { get; private set; }

    /// <summary>Queues replies for what arrived; leaves a datagram waiting when the transmit ring is full.</summary>
    public void Serve(UefiRecovery.Netstack.Wire.Ipv4Address ownAddress)
    {
        while (Socket.TryPeek(out ReadOnlySpan<byte> payload, out UdpDatagramInfo info))
        {
            if (!info.Destination.Equals(ownAddress) || !info.Source.Address.IsUnicast)
            {
                IgnoredNonUnicast++;
                Socket.DiscardReceived();
                continue;
            }
            UdpStatus sent = Socket.TrySend(payload, info.Source);
            if (sent == UdpStatus.QueueFull)
                return;
            Socket.DiscardReceived();
            if (sent == UdpStatus.Ok)
                Echoed++;
        }
    }
}
