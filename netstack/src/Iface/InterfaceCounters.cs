using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Netstack.Iface
{
    /// <summary>
    /// What the interface did with frames; plain counters for diagnostics and tests. Every received frame
    /// counts in <see cref="FramesReceived"/> and in exactly one outcome: a drop by reason
    /// (<see cref="Dropped"/>), <see cref="FramesNotForUs"/>, <see cref="FramesUnsupported"/>, or one of the
    /// counters marked "Outcome" below. The rest count what the interface sent on its own.
    /// </summary>
    public sealed class InterfaceCounters
    {
        private readonly long[] _dropsByStatus = new long[(int)PacketStatus.BadValue + 1];

        public long FramesReceived;
        /// <summary>Outcome: addressed to another host (MAC or IP), or ARP before we have an address.</summary>
        public long FramesNotForUs;
        /// <summary>Outcome: valid, but nothing the stack handles (other EtherType or IP protocol, ICMP other than echo request, IGMP Leave).</summary>
        public long FramesUnsupported;
        /// <summary>Outcome: ARP requests for our address, answered.</summary>
        public long ArpRepliesSent;
        /// <summary>Outcome: ARP replies addressed to us; the sender is learned.</summary>
        public long ArpRepliesReceived;
        /// <summary>Outcome: ARP from another host claiming our address (RFC 5227 §2.4).</summary>
        public long AddressConflicts;
        /// <summary>Outcome: ICMP echo requests to our address, answered.</summary>
        public long EchoRepliesSent;
        /// <summary>Outcome: ARP or echo requests we would have answered, but no TX buffer was free (also in <see cref="TransmitNoBuffer"/>).</summary>
        public long RepliesNotSent;
        /// <summary>Outcome: datagrams queued in a socket's receive ring.</summary>
        public long UdpDelivered;
        /// <summary>Outcome: datagrams for a bound socket whose ring had no room (the socket counts them in ReceiveDropped too).</summary>
        public long UdpSocketFull;
        /// <summary>Outcome: datagrams to a port no socket is bound to.</summary>
        public long UdpNoSocket;
        /// <summary>Outcome: TCP segments handed to the attached connection (its own counters say what it did with them).</summary>
        public long TcpDelivered;
        /// <summary>Outcome: TCP segments for no attached connection (other ports or peer, or none attached).</summary>
        public long TcpNoSocket;
        /// <summary>Outcome: server replies handed to the DHCP client (whether they match its transaction is its business).</summary>
        public long DhcpMessagesReceived;
        /// <summary>Outcome: IGMP membership queries.</summary>
        public long IgmpQueriesReceived;
        /// <summary>Outcome: other members' IGMP reports (they may suppress ours, RFC 2236 §3).</summary>
        public long IgmpReportsReceived;

        public long ArpRequestsSent;
        public long ArpAnnouncementsSent;
        public long UdpTransmitted;
        public long TcpSegmentsSent;
        public long DhcpMessagesSent;
        /// <summary>IGMP membership reports sent (joins and answers to queries); Leaves are counted apart.</summary>
        public long IgmpReportsSent;
        /// <summary>IGMPv2 Leave Group messages sent (RFC 2236 §3).</summary>
        public long IgmpLeavesSent;
        public long TransmitNoBuffer;
        public long NoRoute;

        /// <summary>Outcome: frames dropped by a parser or a validity rule, by the reason it gave.</summary>
        public long Dropped(PacketStatus reason) => _dropsByStatus[(int)reason];

        public long DroppedTotal
        {
            get
            {
                long sum = 0;
                for (int i = 0; i < _dropsByStatus.Length; i++) sum += _dropsByStatus[i];
                return sum;
            }
        }

        internal void CountDrop(PacketStatus reason)
        {
            int i = (int)reason;
            if (i >= 0 && i < _dropsByStatus.Length) _dropsByStatus[i]++;
        }
    }
}
