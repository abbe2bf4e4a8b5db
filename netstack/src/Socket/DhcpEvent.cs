namespace UefiRecovery.Netstack.Socket
{
    /// <summary>
    /// What a <see cref="DhcpClient"/> call did to the lease (smoltcp's dhcpv4 <c>Event</c>): the client
    /// configures nothing itself; whoever owns the interface address applies the result at once.
    /// </summary>
    public enum DhcpEvent : byte
    {
        /// <summary>The lease did not change.</summary>
        None = 0,
        /// <summary>An ACK in REQUESTING gave a lease: configure <see cref="DhcpClient.Lease"/>.</summary>
        Bound,
        /// <summary>An ACK in RENEWING or REBINDING extended the lease (its address, mask or router may differ): configure it again.</summary>
        Renewed,
        /// <summary>The lease ended (NAK, expiry, or <see cref="DhcpClient.Reset"/>): deconfigure; discovery starts over.</summary>
        Lost,
    }
}
