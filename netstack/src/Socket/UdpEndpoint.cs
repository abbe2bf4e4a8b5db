using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Netstack.Socket
{
    /// <summary>An IPv4 address and UDP port.</summary>
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
