namespace UefiRecovery.Netstack.Socket
{
    /// <summary>
    /// The connection states of RFC 9293 §3.3.2 a client can be in (active open only: no LISTEN or SYN-RECEIVED;
    /// a SYN without ACK in SYN-SENT, a simultaneous open, is dropped).
    /// </summary>
    public enum TcpState : byte
    {
        Closed = 0,
        SynSent,
        Established,
        FinWait1,
        FinWait2,
        Closing,
        /// <summary>Both FINs exchanged; the socket still ACKs a retransmitted FIN until <see cref="TcpConfig.TimeWaitMs"/>.</summary>
        TimeWait,
        CloseWait,
        LastAck,
    }
}
