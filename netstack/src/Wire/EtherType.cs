namespace UefiRecovery.Netstack.Wire
{
    /// <summary>IEEE 802.3 EtherType. Any other value is kept as the raw number.</summary>
    public enum EtherType : ushort
    {
        Ipv4 = 0x0800,
        Arp = 0x0806,
        Ipv6 = 0x86DD,
    }
}
