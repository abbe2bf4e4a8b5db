using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Netstack.Socket
{
    /// <summary>
    /// An IPv4 address and UDP port in the stack's own types: where a <see cref="UdpSocket"/> sends to and
    /// where a received datagram came from. The recovery protocol's peer is a different type on purpose,
    /// <c>UefiRecovery.Core.Protocol.DatagramEndpoint</c> (a plain number and a port, so the protocol engine
    /// runs over any UDP: the manager's .NET sockets, an in-memory test network, this stack); recovery-core
    /// does not reference netstack, and the EFI app's <c>NetstackDatagramTransport</c> converts between the two.
    /// </summary>
    public readonly struct UdpEndpoint
    {
        public UdpEndpoint(Ipv4Address address, ushort port)
        {
            Address = address;
            Port = port;
        }

        public Ipv4Address Address { get; }
        public ushort Port { get; }
    }
}
