using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Netstack.Iface
{
    /// <summary>What the interface did with frames; plain counters for diagnostics and tests.</summary>
    public sealed class InterfaceCounters
    {
        private readonly long[] _dropsByStatus = new long[(int)WireStatus.BadValue + 1];

        public long FramesReceived;
        public long FramesNotForUs;
        public long FramesUnsupported;
        public long ArpRepliesSent;
        public long ArpRequestsSent;
        public long ArpAnnouncementsSent;
        public long AddressConflicts;
        public long EchoRepliesSent;
        public long UdpDelivered;
        public long UdpNoSocket;
        public long UdpTransmitted;
        public long DhcpMessagesSent;
        /// <summary>IGMP membership reports sent (joins and answers to queries); Leaves are counted apart.</summary>
        public long IgmpReportsSent;
        /// <summary>IGMPv2 Leave Group messages sent (RFC 2236 §3).</summary>
        public long IgmpLeavesSent;
        public long IgmpQueriesReceived;
        public long TransmitNoBuffer;
        public long NoRoute;

        /// <summary>Frames dropped by a parser, by the reason it gave.</summary>
        public long Dropped(WireStatus reason) => _dropsByStatus[(int)reason];

        public long DroppedTotal
        {
            get
            {
                long sum = 0;
                for (int i = 0; i < _dropsByStatus.Length; i++) sum += _dropsByStatus[i];
                return sum;
            }
        }

        internal void CountDrop(WireStatus reason)
        {
            int i = (int)reason;
            if (i >= 0 && i < _dropsByStatus.Length) _dropsByStatus[i]++;
        }
    }
}
