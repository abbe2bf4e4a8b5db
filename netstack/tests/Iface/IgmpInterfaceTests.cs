using System;
using UefiRecovery.Netstack.Iface;
using UefiRecovery.Netstack.Tests.Support;
using UefiRecovery.Netstack.Wire;
using Xunit;

namespace UefiRecovery.Netstack.Tests.Iface
{
    public class IgmpInterfaceTests
    {
        private static readonly Ipv4Address Group = Ipv4Address.FromBytes(239, 1, 2, 3);

        /// <summary>The stack stands where the capture's Linux member (10.77.0.2, 02:00:00:77:00:02) stood.</summary>
        private static (Interface, FakeDevice) Member()
        {
            var device = new FakeDevice(Frames.LinuxMac);
            var iface = new Interface(device, new InterfaceConfig { AnnounceCount = 0, RandomSeed = 7 });
            iface.SetAddress(Frames.Net2, Frames.Mask24, Ipv4Address.Unspecified, new Instant(0));
            return (iface, device);
        }

        private static int Reports(FakeDevice device, int from)
        {
            int n = 0;
            for (int i = from; i < device.TransmitCount; i++)
                if (Hex.Of(device.SentSpan(i).Slice(0, 46)) == Corpus.LinuxIgmpV2Report) n++;
            return n;
        }

        [Fact]
        public void Join_NextPoll_SendsReportIdenticalToLinux()
        {
            var (iface, device) = Member();
            Assert.True(iface.TryJoinMulticastGroup(Group));
            iface.Poll(new Instant(1));
            Assert.Equal(1, device.TransmitCount);
            byte[] sent = device.Sent(0);
            Assert.Equal(60, sent.Length);
            Assert.Equal(Corpus.LinuxIgmpV2Report, Hex.Of(sent.AsSpan(0, 46)));
            Assert.All(sent.AsSpan(46).ToArray(), b => Assert.Equal(0, b));
        }

        [Fact]
        public void Join_UnsolicitedRepeat_OnceWithinInterval()
        {
            var (iface, device) = Member();
            iface.TryJoinMulticastGroup(Group);
            for (int t = 0; t <= 30_000; t += 10) iface.Poll(new Instant(t));
            Assert.Equal(2, Reports(device, 0));
            Assert.Equal(2, iface.Counters.IgmpReportsSent);
        }

        [Fact]
        public void Leave_SendsLeaveIdenticalToLinux()
        {
            var (iface, device) = Member();
            iface.TryJoinMulticastGroup(Group);
            iface.Poll(new Instant(0));
            device.ClearSent();
            Assert.True(iface.TryLeaveMulticastGroup(Group));
            Assert.Equal(Corpus.LinuxIgmpLeave, Hex.Of(device.SentSpan(0).Slice(0, 46)));
        }

        [Fact]
        public void Leave_Sent_CountedAsLeaveNotAsReport()
        {
            var (iface, device) = Member();
            iface.TryJoinMulticastGroup(Group);
            iface.Poll(new Instant(0));
            long reports = iface.Counters.IgmpReportsSent;
            Assert.Equal(1, reports);

            Assert.True(iface.TryLeaveMulticastGroup(Group));

            Assert.Equal(1, iface.Counters.IgmpLeavesSent);
            Assert.Equal(reports, iface.Counters.IgmpReportsSent);
        }

        [Fact]
        public void Leave_NoTransmitBuffer_FalseMembershipKeptRetrySends()
        {
            var (iface, device) = Member();
            iface.TryJoinMulticastGroup(Group);
            iface.Poll(new Instant(0));
            device.ClearSent();
            device.RefuseTransmit = true;

            Assert.False(iface.TryLeaveMulticastGroup(Group));
            Assert.Equal(0, device.TransmitCount);
            Assert.Equal(0, iface.Counters.IgmpLeavesSent);

            // Still a member (a non-member would get false again): once a buffer is free the Leave goes out.
            device.RefuseTransmit = false;
            Assert.True(iface.TryLeaveMulticastGroup(Group));
            Assert.Equal(1, device.TransmitCount);
            Assert.Equal(Corpus.LinuxIgmpLeave, Hex.Of(device.SentSpan(0).Slice(0, 46)));
            Assert.Equal(1, iface.Counters.IgmpLeavesSent);
            Assert.False(iface.TryLeaveMulticastGroup(Group));
        }

        [Fact]
        public void Leave_NotAMember_FalseNothingSent()
        {
            var (iface, device) = Member();

            Assert.False(iface.TryLeaveMulticastGroup(Group));

            Assert.Equal(0, device.TransmitCount);
            Assert.Equal(0, iface.Counters.IgmpLeavesSent);
        }

        [Theory]
        [InlineData(nameof(Corpus.LinuxBridgeIgmpGeneralQuery), 10_000)]
        [InlineData(nameof(Corpus.LinuxBridgeIgmpGroupQuery), 1_000)]
        public void CapturedQuery_AnsweredWithinMaxResponseTime(string query, int maxResponseMs)
        {
            var (iface, device) = Member();
            iface.TryJoinMulticastGroup(Group);
            for (int t = 0; t <= 30_000; t += 10) iface.Poll(new Instant(t)); // unsolicited reports done
            device.ClearSent();
            device.Inject(Hex.Bytes(Wire.ArpTests.CorpusByName(query)));
            iface.Poll(new Instant(40_000));
            Assert.Equal(1, iface.Counters.IgmpQueriesReceived);
            int answeredAt = -1;
            for (int t = 40_000; t <= 40_000 + maxResponseMs && answeredAt < 0; t += 10)
            {
                iface.Poll(new Instant(t));
                if (Reports(device, 0) == 1) answeredAt = t;
            }
            Assert.True(answeredAt >= 40_000, "no report within Max Response Time");
            for (int t = answeredAt; t <= 80_000; t += 100) iface.Poll(new Instant(t));
            Assert.Equal(1, Reports(device, 0));
        }

        [Fact]
        public void Query_OtherMemberReportsFirst_OursSuppressed()
        {
            var (iface, device) = Member();
            iface.TryJoinMulticastGroup(Group);
            for (int t = 0; t <= 30_000; t += 10) iface.Poll(new Instant(t));
            device.ClearSent();
            device.Inject(Hex.Bytes(Corpus.LinuxBridgeIgmpGeneralQuery));
            iface.Poll(new Instant(40_000));
            // Another host's report for the group (same bytes with a different source MAC and address).
            byte[] other = Hex.Bytes(Corpus.LinuxIgmpV2Report);
            other[11] = 0x09;
            other[29] = 0x09;
            Frames.FixChecksums(other);
            device.Inject(other);
            for (int t = 40_000; t <= 60_000; t += 10)
            {
                iface.Poll(new Instant(t));
                if (t == 40_000) Assert.Equal(0, Reports(device, 0)); // keep the test meaningful: not yet sent
            }
            Assert.Equal(0, Reports(device, 0));
        }

        [Fact]
        public void QueryForOtherGroup_NotAnswered()
        {
            var (iface, device) = Member();
            iface.TryJoinMulticastGroup(Ipv4Address.FromBytes(239, 9, 9, 9));
            for (int t = 0; t <= 30_000; t += 10) iface.Poll(new Instant(t));
            long before = iface.Counters.IgmpReportsSent;
            device.Inject(Hex.Bytes(Corpus.LinuxBridgeIgmpGroupQuery)); // asks about 239.1.2.3
            for (int t = 40_000; t <= 50_000; t += 10) iface.Poll(new Instant(t));
            Assert.Equal(before, iface.Counters.IgmpReportsSent);
            Assert.Equal(1, iface.Counters.IgmpQueriesReceived);
        }
    }
}
