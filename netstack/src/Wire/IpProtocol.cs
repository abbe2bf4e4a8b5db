namespace UefiRecovery.Netstack.Wire
{
    /// <summary>IPv4 protocol numbers (IANA). Other values are kept as the raw number.</summary>
    public enum IpProtocol : byte
    {
        Icmp = 1,
        Igmp = 2,
        Tcp = 6,
        Udp = 17,
    }
}
