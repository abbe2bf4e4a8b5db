using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Netstack.Socket
{
    /// <summary>
    /// Where a received datagram came from and how it was addressed. Destination tells the protocol
    /// whether it arrived by unicast, subnet/limited broadcast or a multicast group.
    /// </summary>
    public readonly struct UdpDatagramInfo
    {
        public UdpDatagramInfo(UdpEndpoint source, Ipv4Address destination, int length)
        {
            Source = source;
            Destination = destination;
            Length = length;
        }

        public UdpEndpoint Source { get; }
        public Ipv4Address Destination { get; }
        public int Length { get; }
    }
}
