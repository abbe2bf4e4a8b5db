using System;
using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Netstack.Iface
{
    /// <summary>Multicast groups and IGMPv2 membership (RFC 2236): join, leave, answer queries, suppress reports.</summary>
    public sealed partial class Interface
    {
        /// <summary>All-systems group 224.0.0.1: every multicast host is a member (RFC 1112 §4); IGMP queries go there.</summary>
        public static Ipv4Address AllSystemsGroup => new Ipv4Address(0xE000_0001u);

        /// <summary>All-routers group 224.0.0.2, where IGMPv2 Leave messages go (RFC 2236 §3).</summary>
        public static Ipv4Address AllRoutersGroup => new Ipv4Address(0xE000_0002u);

        /// <summary>
        /// Accepts datagrams to an IPv4 multicast group and announces the membership with IGMPv2
        /// reports (RFC 2236 §3): one at the next poll, then <c>IgmpUnsolicitedRepeats</c> more at random
        /// times, and again whenever a querier asks. Snooping switches then forward the group to us.
        /// </summary>
        public bool TryJoinMulticastGroup(Ipv4Address group)
        {
            if (!group.IsMulticast || group.Equals(AllSystemsGroup)) return false;
            if (IndexOfGroup(group) >= 0) return true;
            if (_groupCount == _groups.Length) return false;
            if (_groupCount == 0) _device.TryJoinMulticast(MacAddress.FromIpv4Multicast(AllSystemsGroup));
            if (!_device.TryJoinMulticast(MacAddress.FromIpv4Multicast(group))) return false;
            _groups[_groupCount] = group;
            _reportDueMs[_groupCount] = long.MinValue;
            _unsolicitedLeft[_groupCount] = _config.IgmpUnsolicitedRepeats;
            _groupCount++;
            return true;
        }

        /// <summary>
        /// Sends an IGMPv2 Leave to all routers (RFC 2236 §3) and stops accepting the group. True only when the
        /// Leave went out. False when not a member, or when no TX buffer was free for the Leave: the membership
        /// is then kept, so the caller can free a buffer and try again (a snooping switch would otherwise keep
        /// forwarding the group until its membership timer runs out, 260 s by default).
        /// </summary>
        public bool TryLeaveMulticastGroup(Ipv4Address group)
        {
            int i = IndexOfGroup(group);
            if (i < 0) return false;
            if (!SendIgmp(IgmpMessageType.LeaveGroup, group, AllRoutersGroup)) return false;
            _groupCount--;
            _groups[i] = _groups[_groupCount];
            _reportDueMs[i] = _reportDueMs[_groupCount];
            _unsolicitedLeft[i] = _unsolicitedLeft[_groupCount];
            return true;
        }

        private void ProcessIgmp(ReadOnlySpan<byte> payload, Instant now)
        {
            if (!Check(IgmpPacket.TryCreate(payload, out IgmpPacket packet), PacketStatus.Truncated)) return;
            if (!Check(IgmpRepr.Parse(packet, out IgmpRepr igmp))) return;
            if (igmp.Type == IgmpMessageType.MembershipQuery)
            {
                Counters.IgmpQueriesReceived++;
                long maxDelayMs = QueryMaxDelayMs(igmp.MaxResponseTime, packet.Length > IgmpPacket.HeaderLength);
                for (int i = 0; i < _groupCount; i++)
                {
                    if (!igmp.GroupAddress.IsUnspecified && !igmp.GroupAddress.Equals(_groups[i])) continue;
                    // RFC 2236 §3: answer after a random delay up to Max Response Time, keeping an earlier timer.
                    long due = now.Milliseconds + (long)(_random.NextUInt32() % (ulong)(maxDelayMs + 1));
                    if (due < _reportDueMs[i]) _reportDueMs[i] = due;
                }
                return;
            }
            if (igmp.Type == IgmpMessageType.MembershipReportV1 || igmp.Type == IgmpMessageType.MembershipReportV2)
            {
                Counters.IgmpReportsReceived++;
                // Another member answered for the group: ours would be redundant (report suppression, RFC 2236 §3).
                int i = IndexOfGroup(igmp.GroupAddress);
                if (i >= 0 && _unsolicitedLeft[i] == 0) _reportDueMs[i] = long.MaxValue;
                return;
            }
            Counters.FramesUnsupported++; // a Leave: only routers act on it
        }

        /// <summary>
        /// Max Response Time in milliseconds: tenths of a second; 0 is an IGMPv1 query (10 s, RFC 2236 §4);
        /// IGMPv3 codes from 128 up are floating point (RFC 3376 §4.1.1).
        /// </summary>
        private static long QueryMaxDelayMs(byte code, bool isVersion3)
        {
            if (code == 0) return 10_000;
            if (!isVersion3 || code < 128) return code * 100L;
            int exponent = (code >> 4) & 0x7;
            int mantissa = code & 0xF;
            return ((long)(mantissa | 0x10) << (exponent + 3)) * 100L;
        }

        private void PollIgmp(Instant now)
        {
            for (int i = 0; i < _groupCount; i++)
            {
                if (now.Milliseconds < _reportDueMs[i]) continue;
                if (!SendIgmp(IgmpMessageType.MembershipReportV2, _groups[i], _groups[i])) return;
                if (_unsolicitedLeft[i] > 0)
                {
                    _unsolicitedLeft[i]--;
                    _reportDueMs[i] = now.Milliseconds + 1 + (long)(_random.NextUInt32() % (uint)Math.Max(1, _config.IgmpUnsolicitedIntervalMs));
                }
                else
                {
                    _reportDueMs[i] = long.MaxValue;
                }
            }
        }

        /// <summary>An IGMPv2 message: TTL 1, Router Alert, precedence "internetwork control" as Linux sends it (RFC 2236 §2).</summary>
        private bool SendIgmp(IgmpMessageType type, Ipv4Address group, Ipv4Address destination)
        {
            var igmp = new IgmpRepr(type, 0, group);
            Ipv4Address source = HasAddress ? Address : Ipv4Address.Unspecified;
            var ip = new Ipv4Repr(source, destination, IpProtocol.Igmp, igmp.BufferLength, 1, 0, true, 0xC0);
            if (!TryBeginIpv4(MacAddress.FromIpv4Multicast(destination), ip, out Span<byte> payload)) return false;
            igmp.Emit(payload);
            _device.EndTransmit();
            if (type == IgmpMessageType.LeaveGroup) Counters.IgmpLeavesSent++;
            else Counters.IgmpReportsSent++;
            return true;
        }

        private bool IsJoined(Ipv4Address group) => IndexOfGroup(group) >= 0;

        private int IndexOfGroup(Ipv4Address group)
        {
            for (int i = 0; i < _groupCount; i++) if (_groups[i].Equals(group)) return i;
            return -1;
        }

        private bool IsJoinedMac(MacAddress mac)
        {
            if (_groupCount > 0 && MacAddress.FromIpv4Multicast(AllSystemsGroup).Equals(mac)) return true;
            for (int i = 0; i < _groupCount; i++) if (MacAddress.FromIpv4Multicast(_groups[i]).Equals(mac)) return true;
            return false;
        }
    }
}
