namespace UefiRecovery.Netstack.Socket
{
    /// <summary>A <see cref="TcpSocket"/>'s fixed sizes and timers; the defaults suit one HTTP download on a LAN.</summary>
    public sealed class TcpConfig
    {
        /// <summary>Receive buffer; the advertised window is its free space, at most 65535 (no window scaling).</summary>
        public int ReceiveBufferSize { get; set; } = 65535;
        public int SendBufferSize { get; set; } = 2048;
        /// <summary>The MSS we announce: 1500 - 20 (IPv4) - 20 (TCP).</summary>
        public ushort MaximumSegmentSize { get; set; } = 1460;
        /// <summary>RFC 6298 §2.1: 1 s before any RTT sample; we take none, so every timeout starts here.</summary>
        public int InitialRetransmitMs { get; set; } = 1000;
        public int MaxRetransmitMs { get; set; } = 8000;
        /// <summary>Expiries of the same unacknowledged segment before the connection is given up (TimedOut).</summary>
        public int MaxRetransmissions { get; set; } = 8;
        /// <summary>TIME-WAIT: a client that never reuses a port/ISN pair needs only to re-ACK a lost last FIN.</summary>
        public int TimeWaitMs { get; set; } = 2000;
    }
}
