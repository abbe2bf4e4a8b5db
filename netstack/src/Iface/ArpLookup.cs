namespace UefiRecovery.Netstack.Iface
{
    /// <summary>Result of looking up a next hop in the ARP cache.</summary>
    public enum ArpLookup : byte
    {
        /// <summary>Not in the cache: the caller starts a resolution.</summary>
        Unknown = 0,
        /// <summary>A request is outstanding; try again later.</summary>
        Pending,
        Resolved,
        /// <summary>Every retry went unanswered recently; the caller drops what it wanted to send.</summary>
        Failed,
    }
}
