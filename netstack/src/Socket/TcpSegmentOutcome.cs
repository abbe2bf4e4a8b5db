namespace UefiRecovery.Netstack.Socket
{
    /// <summary>
    /// What the socket did with one received segment; every segment counts under exactly one
    /// (<see cref="TcpCounters"/>). The RFC sections say which rule decided it.
    /// </summary>
    public enum TcpSegmentOutcome : byte
    {
        /// <summary>Passed every check; its ACK, window, data and FIN (whatever it carried) were taken.</summary>
        Accepted = 0,
        /// <summary>
        /// Acceptable, but its data starts beyond RCV.NXT: kept at its place in the receive ring when one of 8 range slots is
        /// free (else dropped), and RCV.NXT ACKed again at once (a duplicate ACK per such segment, RFC 5681 §4.2).
        /// </summary>
        OutOfOrder,
        /// <summary>Fails the acceptability test (RFC 9293 §3.10.7.4): old duplicate or beyond our window; dropped, an ACK is sent.</summary>
        OutOfWindow,
        /// <summary>RST with SEQ exactly RCV.NXT (or an acceptable ACK in SYN-SENT): the connection is reset.</summary>
        ResetAccepted,
        /// <summary>RST inside the window but not at RCV.NXT: a challenge ACK is sent, the connection stays (RFC 5961 §3.2).</summary>
        ResetChallenged,
        /// <summary>RST outside the window (a blind reset), or in SYN-SENT without an acceptable ACK: dropped silently.</summary>
        ResetIgnored,
        /// <summary>SYN on a synchronized connection: challenge ACK, dropped (RFC 5961 §4.2).</summary>
        SynChallenged,
        /// <summary>ACK of sequence numbers we never sent: dropped, an ACK is sent (RFC 9293 §3.10.7.4, fifth check).</summary>
        AckUnsent,
        /// <summary>ACK older than SND.UNA - MAX.SND.WND: dropped, an ACK is sent (RFC 5961 §5.2).</summary>
        AckTooOld,
        /// <summary>No ACK bit on a synchronized connection: dropped.</summary>
        NoAck,
        /// <summary>In SYN-SENT, an ACK outside ISS+1..SND.NXT: dropped and answered with RST (RFC 9293 §3.10.7.3).</summary>
        HandshakeBadAck,
        /// <summary>In SYN-SENT, neither an acceptable SYN-ACK nor RST (a bare SYN, a bare ACK...): dropped.</summary>
        HandshakeIgnored,
        /// <summary>The socket is closed: nothing to match the segment against, dropped.</summary>
        NotConnected,
    }
}
