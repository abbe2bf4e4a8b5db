namespace UefiRecovery.Netstack.Socket
{
    /// <summary>Client states of RFC 2131 §4.4, figure 5 (INIT-REBOOT/REBOOTING are not used).</summary>
    public enum DhcpState : byte
    {
        Init = 0,
        Selecting,
        Requesting,
        Bound,
        Renewing,
        Rebinding,
    }
}
