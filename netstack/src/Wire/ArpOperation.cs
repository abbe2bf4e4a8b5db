namespace UefiRecovery.Netstack.Wire
{
    /// <summary>ARP opcode, RFC 826. Other values are kept as the raw number.</summary>
    public enum ArpOperation : ushort
    {
        Request = 1,
        Reply = 2,
    }
}
