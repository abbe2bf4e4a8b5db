namespace UefiRecovery.Netstack.Socket
{
    /// <summary>DHCP client timers in one place (milliseconds unless named otherwise).</summary>
    public sealed class DhcpConfig
    {
        /// <summary>
        /// Upper bound of a random wait before each DISCOVER cycle starts (RFC 2131 §4.4.1 suggests
        /// 1-10 s so machines powered on together don't all send at once). 0 sends at once.
        /// </summary>
        public int InitialDelayMaxMs;
        /// <summary>First retransmission timeout; doubles per retry (RFC 2131 §4.1: 4 s, 8 s, ... 64 s).</summary>
        public int InitialRetransmitMs = 4_000;
        public int MaxRetransmitMs = 64_000;
        /// <summary>Uniform jitter added to every retransmission (RFC 2131 §4.1: ±1 s).</summary>
        public int JitterMs = 1_000;
        /// <summary>REQUESTs sent in REQUESTING before starting over with a DISCOVER.</summary>
        public int MaxRequestAttempts = 4;
        /// <summary>Floor of RENEWING/REBINDING retransmission (RFC 2131 §4.4.5: 60 s).</summary>
        public int MinRenewRetransmitMs = 60_000;
        /// <summary>Lease assumed when an ACK carries none (RFC 2131 requires one; be lenient).</summary>
        public uint DefaultLeaseSeconds = 3_600;
    }
}
