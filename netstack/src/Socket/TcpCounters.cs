namespace UefiRecovery.Netstack.Socket
{
    /// <summary>
    /// What a <see cref="TcpSocket"/> did: every segment handed to it counts in <see cref="SegmentsReceived"/> and
    /// in exactly one <see cref="TcpSegmentOutcome"/>; the rest count what it sent. Allocated once with the socket.
    /// </summary>
    public sealed class TcpCounters
    {
        private readonly long[] _outcomes = new long[(int)TcpSegmentOutcome.NotConnected + 1];

        public long SegmentsReceived;
        public long SegmentsSent;
        /// <summary>Timer expiries that sent SYN, data or FIN again (go-back-N from SND.UNA).</summary>
        public long Retransmissions;
        /// <summary>One-byte probes into a zero window (RFC 9293 §3.8.6.1).</summary>
        public long WindowProbes;
        /// <summary>Payload bytes taken into the receive buffer (in order, no duplicate counted twice).</summary>
        public long BytesReceived;
        /// <summary>Payload bytes received ahead of a gap and kept at their place (counted in BytesReceived once the gap fills).</summary>
        public long BytesKeptAhead;
        /// <summary>Payload bytes of received segments beyond the free receive buffer, dropped.</summary>
        public long BytesBeyondWindow;

        public long Outcome(TcpSegmentOutcome outcome) => _outcomes[(int)outcome];

        public long OutcomeTotal
        {
            get
            {
                long sum = 0;
                for (int i = 0; i < _outcomes.Length; i++) sum += _outcomes[i];
                return sum;
            }
        }

        internal TcpSegmentOutcome Count(TcpSegmentOutcome outcome)
        {
            SegmentsReceived++;
            _outcomes[(int)outcome]++;
            return outcome;
        }
    }
}
