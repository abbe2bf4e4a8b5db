using System;
using UefiRecovery.Netstack.Iface;
using UefiRecovery.Netstack.Socket;
using UefiRecovery.Netstack.Tests.Support;
using UefiRecovery.Netstack.Wire;
using Xunit;

namespace UefiRecovery.Netstack.Tests.Iface
{
    public class InterfaceTests
    {
        /// <summary>A stack standing where the capture's 10.77.0.1 (02:00:00:77:00:01) stood.</summary>
        private static (Interface, FakeDevice) StackAt(MacAddress mac, Ipv4Address address, Ipv4Address gateway = default)
        {
            var device = new FakeDevice(mac);
            var iface = new Interface(device, new InterfaceConfig { AnnounceCount = 0 });
            iface.SetAddress(address, Frames.Mask24, gateway, new Instant(0));
            return (iface, device);
        }

        [Fact]
        public void Poll_CapturedArpRequestForUs_RepliesExactlyLikeLinux()
        {
            var (iface, device) = StackAt(Frames.DnsmasqMac, Frames.Net1);
            device.Inject(Corpus.LinuxArpRequest);
            iface.Poll(new Instant(1));
            Assert.Equal(1, device.TransmitCount);
            byte[] sent = device.Sent(0);
            Assert.Equal(60, sent.Length);
            Assert.Equal(Corpus.LinuxArpReply, Hex.Of(sent.AsSpan(0, 42)));
            Assert.All(sent.AsSpan(42).ToArray(), b => Assert.Equal(0, b));
            // The requester was learned (RFC 826 merge: the request was for us).
            Assert.Equal(ArpLookup.Resolved, iface.ArpCache.Lookup(Frames.Net2, new Instant(1), out MacAddress mac));
            Assert.Equal(Frames.LinuxMac.Value, mac.Value);
        }

        [Fact]
        public void Poll_ArpRequestForAnotherHost_NoReplyAndNotLearned()
        {
            var (iface, device) = StackAt(Frames.DnsmasqMac, Ipv4Address.FromBytes(10, 77, 0, 3));
            device.Inject(Corpus.LinuxArpRequest);
            iface.Poll(new Instant(1));
            Assert.Equal(0, device.TransmitCount);
            Assert.Equal(ArpLookup.Unknown, iface.ArpCache.Lookup(Frames.Net2, new Instant(1), out _));
        }

        [Fact]
        public void Poll_ArpClaimingOurAddress_CountsConflictWithoutReply()
        {
            var (iface, device) = StackAt(Frames.DnsmasqMac, Frames.Net2);
            device.Inject(Corpus.LinuxArpRequest); // sender 10.77.0.2 with another MAC
            iface.Poll(new Instant(1));
            Assert.Equal(1, iface.Counters.AddressConflicts);
            Assert.Equal(0, device.TransmitCount);
        }

        [Fact]
        public void AnnounceAgain_WithAddress_SendsOneGratuitousArp()
        {
            var (iface, device) = StackAt(Frames.DnsmasqMac, Frames.Net1);
            iface.Poll(new Instant(1));
            Assert.Equal(0, device.TransmitCount);
            iface.AnnounceAgain(new Instant(5));
            iface.Poll(new Instant(5));
            iface.Poll(new Instant(10_000));
            Assert.Equal(1, device.TransmitCount);
            Assert.Equal(1, iface.Counters.ArpAnnouncementsSent);
        }

        [Fact]
        public void AnnounceAgain_WithoutAddress_SendsNothing()
        {
            var device = new FakeDevice(Frames.DnsmasqMac);
            var iface = new Interface(device, new InterfaceConfig { AnnounceCount = 0 });
            iface.AnnounceAgain(new Instant(5));
            iface.Poll(new Instant(5));
            Assert.Equal(0, device.TransmitCount);
        }

        [Fact]
        public void SetAddress_Configured_SendsTwoGratuitousArpAnnouncementsTwoSecondsApart()
        {
            var device = new FakeDevice(Frames.DnsmasqMac);
            var iface = new Interface(device, new InterfaceConfig());
            iface.SetAddress(Frames.Net1, Frames.Mask24, Ipv4Address.Unspecified, new Instant(1000));
            iface.Poll(new Instant(1000));
            iface.Poll(new Instant(2999));
            Assert.Equal(1, device.TransmitCount);
            iface.Poll(new Instant(3000));
            iface.Poll(new Instant(9000));
            Assert.Equal(2, device.TransmitCount);
            // RFC 5227 §2.3: ARP request, sender and target protocol address both ours, target MAC zero.
            string expected = "ffffffffffff" + "020000770001" + "0806" + "0001080006040001" + "020000770001" + "0a4d0001" + "000000000000" + "0a4d0001";
            Assert.Equal(expected, Hex.Of(device.SentSpan(0).Slice(0, 42)));
            Assert.Equal(expected, Hex.Of(device.SentSpan(1).Slice(0, 42)));
        }

        [Fact]
        public void Poll_CapturedEchoRequest_RepliesWithLinuxIcmpBytes()
        {
            var (iface, device) = StackAt(Frames.DnsmasqMac, Frames.Net1);
            device.Inject(Corpus.LinuxEchoRequest);
            iface.Poll(new Instant(1));
            Assert.Equal(1, iface.Counters.EchoRepliesSent);
            byte[] sent = device.Sent(0);
            byte[] linux = Hex.Bytes(Corpus.LinuxEchoReply);
            Assert.Equal(linux.Length, sent.Length);
            Assert.Equal(Hex.Of(linux.AsSpan(0, 14)), Hex.Of(sent.AsSpan(0, 14)));
            // The ICMP message is byte-identical to the kernel's; the IP header differs only in id and DF.
            Assert.Equal(Hex.Of(linux.AsSpan(34)), Hex.Of(sent.AsSpan(34)));
            Assert.True(Ipv4Packet.TryCreate(sent.AsSpan(14), out Ipv4Packet ip));
            Assert.Equal(PacketStatus.Ok, Ipv4Repr.Parse(ip, out Ipv4Repr repr));
            Assert.Equal(Frames.Net1.Value, repr.Source.Value);
            Assert.Equal(Frames.Net2.Value, repr.Destination.Value);
        }

        [Fact]
        public void Poll_EchoRequestToSubnetBroadcast_NotAnswered()
        {
            var (iface, device) = StackAt(Frames.DnsmasqMac, Frames.Net1);
            byte[] frame = Hex.Bytes(Corpus.LinuxEchoRequest);
            new byte[] { 10, 77, 0, 255 }.CopyTo(frame, 30);
            Frames.FixChecksums(frame);
            device.Inject(frame);
            iface.Poll(new Instant(1));
            Assert.Equal(0, device.TransmitCount);
        }

        [Fact]
        public void Poll_CapturedUdpDatagram_DeliveredWithSource()
        {
            var (iface, device) = StackAt(Frames.DnsmasqMac, Frames.Net1);
            var socket = new UdpSocket(5000, 2, 2);
            Assert.True(iface.TryAddSocket(socket));
            device.Inject(Corpus.LinuxUdpDatagram);
            iface.Poll(new Instant(1));
            byte[] buffer = new byte[64];
            Assert.Equal(UdpStatus.Ok, socket.TryReceive(buffer, out UdpDatagramInfo info));
            Assert.Equal("hello from linux udp", System.Text.Encoding.ASCII.GetString(buffer, 0, info.Length));
            Assert.Equal(Frames.Net2.Value, info.Source.Address.Value);
            Assert.Equal(60258, info.Source.Port);
            Assert.Equal(Frames.Net1.Value, info.Destination.Value);
            Assert.Equal(UdpStatus.Empty, socket.TryReceive(buffer, out _));
        }

        [Fact]
        public void Poll_UdpWithoutSocket_CountedNotDelivered()
        {
            var (iface, device) = StackAt(Frames.DnsmasqMac, Frames.Net1);
            device.Inject(Corpus.LinuxUdpDatagram);
            iface.Poll(new Instant(1));
            Assert.Equal(1, iface.Counters.UdpNoSocket);
            Assert.Equal(0, device.TransmitCount);
        }

        [Fact]
        public void Poll_ReceiveQueueFull_DropsAndCounts()
        {
            var (iface, device) = StackAt(Frames.DnsmasqMac, Frames.Net1);
            var socket = new UdpSocket(5000, 2, 1);
            iface.TryAddSocket(socket);
            for (int i = 0; i < 3; i++) device.Inject(Corpus.LinuxUdpDatagram);
            iface.Poll(new Instant(1));
            Assert.Equal(2, socket.ReceiveQueued);
            Assert.Equal(1, socket.ReceiveDropped);
        }

        [Fact]
        public void Poll_UnicastSend_ResolvesByArpThenSendsDatagramLikeLinux()
        {
            // Our stack stands where Linux's 10.77.0.2 stood and sends what it sent.
            var (iface, device) = StackAt(Frames.LinuxMac, Frames.Net2);
            var socket = new UdpSocket(60258, 2, 2);
            iface.TryAddSocket(socket);
            Assert.Equal(UdpStatus.Ok, socket.TrySend("hello from linux udp"u8, new UdpEndpoint(Frames.Net1, 5000)));
            iface.Poll(new Instant(0));
            Assert.Equal(1, device.TransmitCount);
            Assert.Equal(Corpus.LinuxArpRequest, Hex.Of(device.SentSpan(0).Slice(0, 42)));
            Assert.Equal(1, socket.TransmitQueued);

            device.Inject(Corpus.LinuxArpReply);
            iface.Poll(new Instant(5));
            Assert.Equal(2, device.TransmitCount);
            byte[] linux = Hex.Bytes(Corpus.LinuxUdpDatagram);
            byte[] sent = device.Sent(1);
            Assert.Equal(Hex.Of(linux.AsSpan(0, 14)), Hex.Of(sent.AsSpan(0, 14)));
            Assert.Equal(Hex.Of(linux.AsSpan(34)), Hex.Of(sent.AsSpan(34, linux.Length - 34)));
            Assert.Equal(0, socket.TransmitQueued);
        }

        [Fact]
        public void Poll_NoArpAnswer_RetriesThenDropsDatagram()
        {
            var (iface, device) = StackAt(Frames.LinuxMac, Frames.Net2);
            var socket = new UdpSocket(1234, 2, 2);
            iface.TryAddSocket(socket);
            socket.TrySend("x"u8, new UdpEndpoint(Frames.Net1, 5000));
            for (int t = 0; t <= 10_000; t += 100) iface.Poll(new Instant(t));
            // 1 request + 3 retries a second apart, then the next hop counts as unreachable.
            Assert.Equal(4, iface.Counters.ArpRequestsSent);
            Assert.Equal(0, socket.TransmitQueued);
            Assert.Equal(1, socket.TransmitDropped);
        }

        [Fact]
        public void Poll_FirstDestinationWaitsForArp_LaterBroadcastStillSent()
        {
            // The app's REQUEST to a silent first manager must not hold back the one to the second.
            var (iface, device) = StackAt(Frames.LinuxMac, Frames.Net2);
            var socket = new UdpSocket(1234, 2, 4);
            iface.TryAddSocket(socket);
            socket.TrySend("to-net1"u8, new UdpEndpoint(Frames.Net1, 5000));
            socket.TrySend("to-all"u8, new UdpEndpoint(Ipv4Address.Broadcast, 5000));
            iface.Poll(new Instant(0));
            Assert.Equal(2, device.TransmitCount); // the ARP request, then the broadcast datagram
            Assert.Equal(Corpus.LinuxArpRequest, Hex.Of(device.SentSpan(0).Slice(0, 42)));
            Assert.Equal("to-all"u8.ToArray(), UdpPayload(device.Sent(1)));
            Assert.Equal(1, socket.TransmitQueued);

            device.Inject(Corpus.LinuxArpReply);
            iface.Poll(new Instant(5));
            Assert.Equal("to-net1"u8.ToArray(), UdpPayload(device.Sent(2)));
            Assert.Equal(0, socket.TransmitQueued);
        }

        [Fact]
        public void Poll_TwoDatagramsWaitForOneArp_SentInQueueOrderAfterOthers()
        {
            var (iface, device) = StackAt(Frames.LinuxMac, Frames.Net2);
            var socket = new UdpSocket(1234, 2, 4);
            iface.TryAddSocket(socket);
            socket.TrySend("first"u8, new UdpEndpoint(Frames.Net1, 5000));
            socket.TrySend("other"u8, new UdpEndpoint(Ipv4Address.Broadcast, 5000));
            socket.TrySend("second"u8, new UdpEndpoint(Frames.Net1, 5000));
            iface.Poll(new Instant(0));
            Assert.Equal(2, device.TransmitCount);
            Assert.Equal(2, socket.TransmitQueued);

            device.Inject(Corpus.LinuxArpReply);
            iface.Poll(new Instant(5));
            Assert.Equal(4, device.TransmitCount);
            Assert.Equal("first"u8.ToArray(), UdpPayload(device.Sent(2)));
            Assert.Equal("second"u8.ToArray(), UdpPayload(device.Sent(3)));
        }

        [Fact]
        public void Poll_DatagramTakenFromBehindWaitingHead_LentSlotMovesWithQueue()
        {
            var (iface, device) = StackAt(Frames.LinuxMac, Frames.Net2);
            var socket = new UdpSocket(1234, 2, 4);
            iface.TryAddSocket(socket);
            socket.TrySend("waits"u8, new UdpEndpoint(Frames.Net1, 5000));
            socket.TrySend("goes"u8, new UdpEndpoint(Ipv4Address.Broadcast, 5000));
            Assert.Equal(UdpStatus.Ok, socket.TryBeginSend(4, new UdpEndpoint(Ipv4Address.Broadcast, 5000), out Span<byte> lent));
            "lent"u8.CopyTo(lent);
            iface.Poll(new Instant(0)); // "goes" leaves from behind the waiting head while "lent" is still lent
            socket.CommitSend();
            iface.Poll(new Instant(1));
            Assert.Equal(3, device.TransmitCount);
            Assert.Equal("goes"u8.ToArray(), UdpPayload(device.Sent(1)));
            Assert.Equal("lent"u8.ToArray(), UdpPayload(device.Sent(2)));
            Assert.Equal(1, socket.TransmitQueued);
        }

        // The UDP payload of an Ethernet + IPv4 (no options) + UDP frame.
        private static byte[] UdpPayload(byte[] frame)
        {
            int udpLength = (frame[14 + 20 + 4] << 8) | frame[14 + 20 + 5];
            return frame.AsSpan(14 + 20 + 8, udpLength - 8).ToArray();
        }

        [Fact]
        public void Poll_OffLinkDestination_ResolvesGateway()
        {
            var gateway = Ipv4Address.FromBytes(10, 77, 0, 254);
            var (iface, device) = StackAt(Frames.LinuxMac, Frames.Net2, gateway);
            var socket = new UdpSocket(1234, 2, 2);
            iface.TryAddSocket(socket);
            socket.TrySend("x"u8, new UdpEndpoint(Ipv4Address.FromBytes(192, 0, 2, 7), 5000));
            iface.Poll(new Instant(0));
            Assert.True(ArpPacket.TryCreate(device.SentSpan(0).Slice(14), out ArpPacket arp));
            ArpRepr.Parse(arp, out ArpRepr request);
            Assert.Equal(gateway.Value, request.TargetProtocolAddress.Value);
        }

        [Fact]
        public void Poll_OffLinkWithoutGateway_DropsAsNoRoute()
        {
            var (iface, device) = StackAt(Frames.LinuxMac, Frames.Net2);
            var socket = new UdpSocket(1234, 2, 2);
            iface.TryAddSocket(socket);
            socket.TrySend("x"u8, new UdpEndpoint(Ipv4Address.FromBytes(192, 0, 2, 7), 5000));
            iface.Poll(new Instant(0));
            Assert.Equal(0, device.TransmitCount);
            Assert.Equal(1, iface.Counters.NoRoute);
            Assert.Equal(1, socket.TransmitDropped);
        }

        [Theory]
        [InlineData(255, 255, 255, 255, 0xFFFFFFFFFFFFUL)]
        [InlineData(10, 77, 0, 255, 0xFFFFFFFFFFFFUL)]     // subnet broadcast
        [InlineData(239, 1, 2, 3, 0x01005E010203UL)]       // multicast, RFC 1112 mapping
        public void Poll_BroadcastOrMulticastSend_NoArpNeeded(byte a, byte b, byte c, byte d, ulong expectedMac)
        {
            var (iface, device) = StackAt(Frames.LinuxMac, Frames.Net2);
            var socket = new UdpSocket(1234, 2, 2);
            iface.TryAddSocket(socket);
            var to = Ipv4Address.FromBytes(a, b, c, d);
            socket.TrySend("hi"u8, new UdpEndpoint(to, 5000));
            iface.Poll(new Instant(0));
            Assert.Equal(1, device.TransmitCount);
            Assert.True(EthernetFrame.TryCreate(device.SentSpan(0), out EthernetFrame frame));
            Assert.Equal(expectedMac, frame.Destination.Value);
            Assert.Equal(PacketStatus.Ok, ParseChain.Parse(device.SentSpan(0)));
        }

        [Fact]
        public void Poll_MulticastGroup_DeliveredOnlyWhenJoined()
        {
            var (iface, device) = StackAt(Frames.DnsmasqMac, Frames.Net1);
            var socket = new UdpSocket(5000, 4, 1);
            iface.TryAddSocket(socket);
            var group = Ipv4Address.FromBytes(239, 1, 2, 3);
            byte[] frame = Frames.Udp(Frames.LinuxMac, MacAddress.FromIpv4Multicast(group), Frames.Net2, group, 9, 5000, "m"u8);
            device.Inject(frame);
            iface.Poll(new Instant(0));
            Assert.Equal(0, socket.ReceiveQueued);
            Assert.True(iface.TryJoinMulticastGroup(group));
            Assert.Equal(2, device.JoinedMulticast); // the group and all-systems 224.0.0.1 (IGMP queries)
            device.Inject(frame);
            iface.Poll(new Instant(1));
            Assert.True(socket.TryPeek(out _, out UdpDatagramInfo info));
            Assert.Equal(group.Value, info.Destination.Value);
        }

        [Fact]
        public void Poll_Fragment_DroppedWithReason()
        {
            var (iface, device) = StackAt(Frames.DnsmasqMac, Frames.Net1);
            byte[] frame = Hex.Bytes(Corpus.LinuxUdpDatagram);
            frame[20] = 0x20; // More Fragments
            Frames.FixChecksums(frame);
            device.Inject(frame);
            iface.Poll(new Instant(0));
            Assert.Equal(1, iface.Counters.Dropped(PacketStatus.Fragmented));
        }

        [Fact]
        public void Poll_ArpEntryAged_ResolvesAgain()
        {
            var (iface, device) = StackAt(Frames.LinuxMac, Frames.Net2);
            device.Inject(Corpus.LinuxArpReply);
            iface.Poll(new Instant(0));
            // A reply addressed to us is learned even without our request (target is our address).
            Assert.Equal(ArpLookup.Resolved, iface.ArpCache.Lookup(Frames.Net1, new Instant(0), out _));
            iface.Poll(new Instant(60_000));
            Assert.Equal(ArpLookup.Unknown, iface.ArpCache.Lookup(Frames.Net1, new Instant(60_000), out _));
        }

        [Fact]
        public void Poll_NoTransmitBuffer_CountsAndKeepsDatagramQueued()
        {
            var (iface, device) = StackAt(Frames.LinuxMac, Frames.Net2);
            var socket = new UdpSocket(1234, 2, 2);
            iface.TryAddSocket(socket);
            socket.TrySend("x"u8, new UdpEndpoint(Ipv4Address.Broadcast, 5000));
            device.RefuseTransmit = true;
            iface.Poll(new Instant(0));
            Assert.Equal(1, socket.TransmitQueued);
            device.RefuseTransmit = false;
            iface.Poll(new Instant(1));
            Assert.Equal(0, socket.TransmitQueued);
        }

        [Fact]
        public void TryAddSocket_SamePortTwice_Refused()
        {
            var (iface, _) = StackAt(Frames.LinuxMac, Frames.Net2);
            Assert.True(iface.TryAddSocket(new UdpSocket(7, 1, 1)));
            Assert.False(iface.TryAddSocket(new UdpSocket(7, 1, 1)));
        }
    }
}
