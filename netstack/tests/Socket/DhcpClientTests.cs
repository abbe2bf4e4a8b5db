using System;
using UefiRecovery.Netstack.Iface;
using UefiRecovery.Netstack.Socket;
using UefiRecovery.Netstack.Tests.Support;
using UefiRecovery.Netstack.Tests.Wire;
using UefiRecovery.Netstack.Wire;
using Xunit;

namespace UefiRecovery.Netstack.Tests.Socket
{
    public class DhcpClientTests
    {
        private const uint CapturedXid = 0x3903F326;
        private static readonly Ipv4Address Leased = Ipv4Address.FromBytes(10, 77, 0, 59);

        private sealed class Stack
        {
            public readonly FakeDevice Device = new FakeDevice(Frames.LinuxMac);
            public readonly Interface Iface;
            public readonly DhcpClient Client;
            public int Seen;

            public Stack(uint xid, DhcpConfig? config = null)
            {
                Iface = new Interface(Device, new InterfaceConfig());
                // The seed whose first xorshift output is the captured xid, so dnsmasq's real replies match.
                Client = new DhcpClient(Frames.LinuxMac, config ?? new DhcpConfig(), XorshiftInverse.SeedFor(xid));
                Iface.AttachDhcp(Client);
            }

            /// <summary>DHCP messages sent since the last call, with their IPv4 and UDP headers.</summary>
            public bool TryNextDhcp(out DhcpRepr message, out Ipv4Repr ip, out MacAddress ethDst)
            {
                while (Seen < Device.TransmitCount)
                {
                    ReadOnlySpan<byte> frame = Device.SentSpan(Seen++);
                    EthernetFrame.TryCreate(frame, out EthernetFrame eth);
                    if (eth.EtherType != EtherType.Ipv4) continue;
                    Assert.True(Ipv4Packet.TryCreate(eth.Payload, out Ipv4Packet p));
                    Assert.Equal(PacketStatus.Ok, Ipv4Repr.Parse(p, out ip));
                    Assert.True(UdpPacket.TryCreate(p.Payload, out UdpPacket u));
                    Assert.Equal(PacketStatus.Ok, UdpRepr.Parse(u, ip.Source, ip.Destination, out UdpRepr udp));
                    Assert.Equal(68, udp.SourcePort);
                    Assert.Equal(67, udp.DestinationPort);
                    Assert.True(DhcpMessage.TryCreate(u.Payload, out DhcpMessage m));
                    Assert.Equal(PacketStatus.Ok, DhcpRepr.Parse(m, out message));
                    ethDst = eth.Destination;
                    return true;
                }
                message = default;
                ip = default;
                ethDst = default;
                return false;
            }

            public DhcpRepr NextDhcp()
            {
                Assert.True(TryNextDhcp(out DhcpRepr m, out _, out _), "expected a DHCP message");
                return m;
            }

            public void Bind()
            {
                Iface.Poll(new Instant(0));
                NextDhcp();
                Device.Inject(Corpus.DnsmasqDhcpOffer);
                Iface.Poll(new Instant(10));
                NextDhcp();
                Device.Inject(Corpus.DnsmasqDhcpAck);
                Iface.Poll(new Instant(20));
                Assert.Equal(DhcpState.Bound, Client.State);
            }
        }

        [Fact]
        public void Poll_CapturedDnsmasqExchange_BindsWithVendorManagerAddress()
        {
            var s = new Stack(CapturedXid);
            s.Iface.Poll(new Instant(0));
            Assert.True(s.TryNextDhcp(out DhcpRepr discover, out Ipv4Repr ip, out MacAddress dst));
            Assert.Equal(DhcpMessageType.Discover, discover.MessageType);
            Assert.Equal(CapturedXid, discover.TransactionId);
            Assert.True(discover.Broadcast);
            Assert.True(dst.IsBroadcast);
            Assert.True(ip.Source.IsUnspecified);
            Assert.True(ip.Destination.IsLimitedBroadcast);
            Assert.Equal(DhcpState.Selecting, s.Client.State);

            s.Device.Inject(Corpus.DnsmasqDhcpOffer);
            s.Iface.Poll(new Instant(10));
            DhcpRepr request = s.NextDhcp();
            Assert.Equal(DhcpMessageType.Request, request.MessageType);
            Assert.Equal(CapturedXid, request.TransactionId);
            Assert.Equal(Leased.Value, request.RequestedAddress.Value);
            Assert.Equal(Frames.Net1.Value, request.ServerIdentifier.Value);
            Assert.True(request.ClientAddress.IsUnspecified);

            s.Device.Inject(Corpus.DnsmasqDhcpAck);
            s.Iface.Poll(new Instant(20));
            Assert.Equal(DhcpState.Bound, s.Client.State);
            DhcpLease lease = s.Client.Lease;
            Assert.Equal(Leased.Value, lease.Address.Value);
            Assert.Equal(Frames.Mask24.Value, lease.SubnetMask.Value);
            Assert.Equal(Frames.Net1.Value, lease.Router.Value);
            Assert.Equal(600u, lease.LeaseSeconds);
            Assert.Equal(Frames.Net1.Value, lease.ManagerAddress.Value);
            Assert.Equal(443, lease.ManagerPort);
            Assert.True(s.Iface.HasAddress);
            Assert.Equal(Leased.Value, s.Iface.Address.Value);
            Assert.Equal(Frames.Net1.Value, s.Iface.Gateway.Value);
            Assert.Equal(1, s.Iface.Counters.ArpAnnouncementsSent);
        }

        [Fact]
        public void Poll_NoAnswer_RetransmitsWithDoublingBackoffAndJitter()
        {
            var s = new Stack(CapturedXid);
            long last = -1;
            int sent = 0;
            long[] gaps = new long[7];
            for (long t = 0; t <= 300_000; t += 50)
            {
                s.Iface.Poll(new Instant(t));
                while (s.TryNextDhcp(out DhcpRepr m, out _, out _))
                {
                    Assert.Equal(DhcpMessageType.Discover, m.MessageType);
                    Assert.Equal(CapturedXid, m.TransactionId); // retransmissions keep the xid
                    if (last >= 0 && sent - 1 < gaps.Length) gaps[sent - 1] = t - last;
                    last = t;
                    sent++;
                }
            }
            // RFC 2131 §4.1: 4 s, 8 s, 16 s, 32 s, 64 s, then 64 s, each ±1 s (50 ms polling granularity).
            long[] nominal = { 4_000, 8_000, 16_000, 32_000, 64_000, 64_000 };
            for (int i = 0; i < nominal.Length; i++)
                Assert.InRange(gaps[i], nominal[i] - 1_000, nominal[i] + 1_050);
        }

        [Fact]
        public void Poll_InitialDelayConfigured_FirstDiscoverWithinDelay()
        {
            var s = new Stack(CapturedXid, new DhcpConfig { InitialDelayMaxMs = 5_000 });
            long first = -1;
            for (long t = 0; t <= 6_000 && first < 0; t += 10)
            {
                s.Iface.Poll(new Instant(t));
                if (s.TryNextDhcp(out DhcpRepr m, out _, out _)) first = t;
            }
            Assert.InRange(first, 0, 5_000);
            // With seed for the captured xid the drawn delay is not zero: the wait really happened.
            Assert.True(first > 0);
        }

        [Fact]
        public void Poll_CapturedNakWhileRequesting_RestartsWithNewXid()
        {
            const uint xid = CapturedXid + 1; // the NAK in the corpus answered xid 0x3903f327
            var s = new Stack(xid);
            s.Iface.Poll(new Instant(0));
            s.NextDhcp();
            var offer = new DhcpRepr(DhcpMessageType.Offer, true, xid, 0, true, Frames.LinuxMac,
                default, Ipv4Address.FromBytes(10, 77, 5, 5), default, default, Frames.Net1, default,
                Frames.Mask24, default, 600, 0, 0, default, 0);
            s.Device.Inject(Frames.Dhcp(offer, Frames.Net1, Frames.DnsmasqMac));
            s.Iface.Poll(new Instant(10));
            Assert.Equal(DhcpState.Requesting, s.Client.State);
            s.NextDhcp();

            s.Device.Inject(Corpus.DnsmasqDhcpNak);
            s.Iface.Poll(new Instant(20));
            Assert.Equal(1, s.Client.NaksReceived);
            DhcpRepr discover = s.NextDhcp();
            Assert.Equal(DhcpMessageType.Discover, discover.MessageType);
            Assert.NotEqual(xid, discover.TransactionId);
            Assert.False(s.Iface.HasAddress);
        }

        [Fact]
        public void Poll_ReplyWithOtherXid_Ignored()
        {
            var s = new Stack(CapturedXid + 5);
            s.Iface.Poll(new Instant(0));
            s.NextDhcp();
            s.Device.Inject(Corpus.DnsmasqDhcpOffer);
            s.Iface.Poll(new Instant(10));
            Assert.Equal(DhcpState.Selecting, s.Client.State);
            Assert.False(s.TryNextDhcp(out _, out _, out _));
        }

        [Fact]
        public void Poll_T1_RenewsByUnicastAfterArp_AckExtendsLease()
        {
            var s = new Stack(CapturedXid);
            s.Bind();
            s.Iface.Poll(new Instant(299_000));
            Assert.Equal(DhcpState.Bound, s.Client.State);
            int before = s.Device.TransmitCount;
            s.Iface.Poll(new Instant(300_020)); // T1 = 300 s after the ACK at 20 ms
            Assert.Equal(DhcpState.Renewing, s.Client.State);
            // The server's MAC is unknown: an ARP request goes out first, the REQUEST waits.
            Assert.Equal(before + 1, s.Device.TransmitCount);
            Assert.Equal(1, s.Iface.Counters.ArpRequestsSent);
            s.Seen = s.Device.TransmitCount;
            s.Device.Inject(Frames.Arp(ArpOperation.Reply, Frames.DnsmasqMac, Frames.Net1, Frames.LinuxMac, Leased, Frames.LinuxMac));
            s.Iface.Poll(new Instant(300_030));
            Assert.True(s.TryNextDhcp(out DhcpRepr renew, out Ipv4Repr ip, out MacAddress dst));
            Assert.Equal(DhcpMessageType.Request, renew.MessageType);
            Assert.Equal(Leased.Value, renew.ClientAddress.Value);
            Assert.True(renew.ServerIdentifier.IsUnspecified);   // RFC 2131 §4.3.2 RENEWING
            Assert.True(renew.RequestedAddress.IsUnspecified);
            Assert.Equal(Leased.Value, ip.Source.Value);
            Assert.Equal(Frames.Net1.Value, ip.Destination.Value);
            Assert.Equal(Frames.DnsmasqMac.Value, dst.Value);

            var ack = new DhcpRepr(DhcpMessageType.Ack, true, renew.TransactionId, 0, false, Frames.LinuxMac,
                Leased, Leased, default, default, Frames.Net1, default, Frames.Mask24, Frames.Net1, 600, 0, 0, default, 0);
            s.Device.Inject(Frames.Dhcp(ack, Frames.Net1, Frames.DnsmasqMac));
            int generation = s.Client.Generation;
            s.Iface.Poll(new Instant(300_040));
            Assert.Equal(DhcpState.Bound, s.Client.State);
            Assert.Equal(generation + 1, s.Client.Generation);
            s.Iface.Poll(new Instant(599_000));
            Assert.Equal(DhcpState.Bound, s.Client.State); // the old T1 + 300 s has not passed
        }

        [Fact]
        public void Poll_NoRenewalAnswer_RebindsAtT2ThenDropsAddressAtExpiry()
        {
            var s = new Stack(CapturedXid);
            s.Bind();
            s.Iface.Poll(new Instant(525_020)); // T2 = 525 s (dnsmasq option 59)
            Assert.Equal(DhcpState.Rebinding, s.Client.State);
            s.Seen = 0;
            DhcpRepr rebind = default;
            while (s.TryNextDhcp(out DhcpRepr m, out Ipv4Repr ip, out MacAddress dst))
            {
                rebind = m;
                if (ip.Destination.IsLimitedBroadcast) Assert.True(dst.IsBroadcast);
            }
            Assert.Equal(DhcpMessageType.Request, rebind.MessageType);
            Assert.Equal(Leased.Value, rebind.ClientAddress.Value);
            Assert.True(s.Iface.HasAddress);
            s.Iface.Poll(new Instant(600_020));
            Assert.False(s.Iface.HasAddress);
            Assert.Equal(DhcpState.Selecting, s.Client.State);
            Assert.Equal(DhcpMessageType.Discover, s.NextDhcp().MessageType);
        }

        // What each call did to the lease is its result (DhcpEvent); the client itself configures nothing.

        private static DhcpRepr Reply(DhcpMessageType type, uint xid, Ipv4Address yours) =>
            new DhcpRepr(type, true, xid, 0, false, Frames.LinuxMac, default, yours, default, default,
                Frames.Net1, default, Frames.Mask24, Frames.Net1, 600, 0, 0, default, 0);

        private static uint PendingXid(DhcpClient client, long t)
        {
            Assert.True(client.TryGetTransmit(new Instant(t), out DhcpRepr message, out _));
            client.OnTransmitted(new Instant(t));
            return message.TransactionId;
        }

        /// <summary>A client bound at 20 ms to <see cref="Leased"/> for 600 s (T1 300 s, T2 525 s), driven without an interface.</summary>
        private static DhcpClient BoundClient()
        {
            var client = new DhcpClient(Frames.LinuxMac, new DhcpConfig(), XorshiftInverse.SeedFor(CapturedXid));
            Assert.Equal(DhcpEvent.None, client.Poll(new Instant(0)));
            uint xid = PendingXid(client, 0);
            Assert.Equal(DhcpEvent.None, client.Process(Reply(DhcpMessageType.Offer, xid, Leased), new Instant(10)));
            Assert.Equal(DhcpState.Requesting, client.State);
            PendingXid(client, 10);
            Assert.Equal(DhcpEvent.Bound, client.Process(Reply(DhcpMessageType.Ack, xid, Leased), new Instant(20)));
            return client;
        }

        [Fact]
        public void Process_OfferThenAck_ReturnsBoundOnlyForTheAck()
        {
            DhcpClient client = BoundClient();
            Assert.Equal(DhcpState.Bound, client.State);
            Assert.Equal(Leased.Value, client.Lease.Address.Value);
            Assert.Equal(1, client.Generation);
            Assert.Equal(DhcpEvent.None, client.Poll(new Instant(30)));
        }

        [Fact]
        public void Process_AckWhileRenewing_ReturnsRenewed()
        {
            DhcpClient client = BoundClient();
            Assert.Equal(DhcpEvent.None, client.Poll(new Instant(300_020)));
            Assert.Equal(DhcpState.Renewing, client.State);
            uint xid = PendingXid(client, 300_020);
            Ipv4Address moved = Ipv4Address.FromBytes(10, 77, 0, 60);
            Assert.Equal(DhcpEvent.Renewed, client.Process(Reply(DhcpMessageType.Ack, xid, moved), new Instant(300_030)));
            Assert.Equal(moved.Value, client.Lease.Address.Value);
            Assert.Equal(2, client.Generation);
        }

        [Fact]
        public void Process_NakWhileRenewing_ReturnsLost()
        {
            DhcpClient client = BoundClient();
            client.Poll(new Instant(300_020));
            uint xid = PendingXid(client, 300_020);
            Assert.Equal(DhcpEvent.Lost, client.Process(Reply(DhcpMessageType.Nak, xid, default), new Instant(300_030)));
            Assert.False(client.HasLease);
            Assert.Equal(DhcpState.Selecting, client.State);
        }

        [Fact]
        public void Process_NakWhileRequesting_ReturnsNone()
        {
            var client = new DhcpClient(Frames.LinuxMac, new DhcpConfig(), XorshiftInverse.SeedFor(CapturedXid));
            client.Poll(new Instant(0));
            uint xid = PendingXid(client, 0);
            client.Process(Reply(DhcpMessageType.Offer, xid, Leased), new Instant(10));
            Assert.Equal(DhcpEvent.None, client.Process(Reply(DhcpMessageType.Nak, xid, default), new Instant(20)));
            Assert.Equal(1, client.NaksReceived);
            Assert.Equal(0, client.Generation);
        }

        [Fact]
        public void Process_ReplyToOtherXid_ReturnsNoneAndKeepsState()
        {
            DhcpClient client = BoundClient();
            client.Poll(new Instant(300_020));
            uint xid = PendingXid(client, 300_020);
            Assert.Equal(DhcpEvent.None, client.Process(Reply(DhcpMessageType.Nak, xid + 1, default), new Instant(300_030)));
            Assert.Equal(DhcpState.Renewing, client.State);
            Assert.Equal(1, client.Generation);
        }

        [Fact]
        public void Poll_LeaseExpired_ReturnsLostOnce()
        {
            DhcpClient client = BoundClient();
            Assert.Equal(DhcpEvent.None, client.Poll(new Instant(599_999)));
            Assert.Equal(DhcpEvent.Lost, client.Poll(new Instant(600_020))); // T1, T2 and expiry in one late poll
            Assert.Equal(DhcpEvent.None, client.Poll(new Instant(600_030)));
            Assert.Equal(DhcpState.Selecting, client.State);
        }

        [Fact]
        public void Reset_WithLease_ReturnsLost()
        {
            DhcpClient client = BoundClient();
            Assert.Equal(DhcpEvent.Lost, client.Reset());
            Assert.Equal(DhcpEvent.None, client.Reset());
            Assert.Equal(DhcpState.Init, client.State);
        }

        [Fact]
        public void Poll_AckThenArpRequestInOneBatch_AddressAppliedBeforeTheNextFrame()
        {
            var s = new Stack(CapturedXid);
            s.Iface.Poll(new Instant(0));
            s.Device.Inject(Corpus.DnsmasqDhcpOffer);
            s.Iface.Poll(new Instant(10));
            s.Device.Inject(Corpus.DnsmasqDhcpAck);
            s.Device.Inject(Frames.Arp(ArpOperation.Request, Frames.DnsmasqMac, Frames.Net1, default, Leased, MacAddress.Broadcast));
            s.Iface.Poll(new Instant(20));
            Assert.Equal(Leased.Value, s.Iface.Address.Value);
            Assert.Equal(1, s.Iface.Counters.ArpRepliesSent);
        }

        [Fact]
        public void Poll_NakWhileRenewing_ClearsTheAddress()
        {
            var s = new Stack(CapturedXid);
            s.Bind();
            s.Device.Inject(Frames.Arp(ArpOperation.Reply, Frames.DnsmasqMac, Frames.Net1, Frames.LinuxMac, Leased, Frames.LinuxMac));
            s.Iface.Poll(new Instant(300_020));
            s.Seen = 0;
            DhcpRepr renew = default;
            while (s.TryNextDhcp(out DhcpRepr m, out _, out _)) renew = m;
            Assert.Equal(DhcpMessageType.Request, renew.MessageType);
            Assert.Equal(Leased.Value, renew.ClientAddress.Value); // the RENEWING request, not the first one
            Assert.True(s.Iface.HasAddress);
            s.Device.Inject(Frames.Dhcp(Reply(DhcpMessageType.Nak, renew.TransactionId, default), Frames.Net1, Frames.DnsmasqMac));
            s.Iface.Poll(new Instant(300_030));
            Assert.False(s.Iface.HasAddress);
            Assert.Equal(DhcpState.Selecting, s.Client.State);
        }

        [Fact]
        public void Poll_RequestUnanswered_StartsOverAfterMaxAttempts()
        {
            var s = new Stack(CapturedXid);
            s.Iface.Poll(new Instant(0));
            s.Device.Inject(Corpus.DnsmasqDhcpOffer);
            s.Iface.Poll(new Instant(10));
            Assert.Equal(DhcpState.Requesting, s.Client.State);
            for (long t = 10; t < 200_000 && s.Client.State == DhcpState.Requesting; t += 100) s.Iface.Poll(new Instant(t));
            Assert.Equal(DhcpState.Selecting, s.Client.State);
        }
    }
}
