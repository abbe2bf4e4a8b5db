using System;
using UefiRecovery.Netstack.Iface;
using UefiRecovery.Netstack.Socket;
using UefiRecovery.Netstack.Tests.Support;
using UefiRecovery.Netstack.Wire;
using Xunit;

namespace UefiRecovery.Netstack.Tests.Iface
{
    /// <summary>Per-packet work must allocate nothing once the stack is set up (docs/portable-subset.md).</summary>
    public class AllocationTests
    {
        [Fact]
        public void Poll_ReceiveAndSendAfterWarmUp_AllocatesZeroBytes()
        {
            var device = new FakeDevice(Frames.DnsmasqMac);
            var iface = new Interface(device, new InterfaceConfig());
            iface.SetAddress(Frames.Net1, Frames.Mask24, Ipv4Address.Unspecified, new Instant(0));
            var socket = new UdpSocket(5000, 8, 8);
            iface.TryAddSocket(socket);
            byte[] udp = Hex.Bytes(Corpus.LinuxUdpDatagram);
            byte[] echo = Hex.Bytes(Corpus.LinuxEchoRequest);
            byte[] arp = Hex.Bytes(Corpus.LinuxArpRequest);
            byte[] igmpQuery = Hex.Bytes(Corpus.LinuxBridgeIgmpGeneralQuery);
            iface.TryJoinMulticastGroup(Ipv4Address.FromBytes(239, 1, 2, 3));
            byte[] receiveBuffer = new byte[2048];
            byte[] payload = new byte[100];
            var peer = new UdpEndpoint(Frames.Net2, 60258);

            void Round(long t)
            {
                device.Inject(arp);
                device.Inject(echo);
                device.Inject(udp);
                if (t % 50 == 0) device.Inject(igmpQuery);
                iface.Poll(new Instant(t * 100));
                socket.TryReceive(receiveBuffer, out _);
                socket.TrySend(payload, peer);
                iface.Poll(new Instant(t * 100));
                device.ClearSent();
            }

            for (int i = 0; i < 100; i++) Round(i);
            long before = GC.GetAllocatedBytesForCurrentThread();
            const int Rounds = 10_000;
            for (int i = 0; i < Rounds; i++) Round(100 + i);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            Assert.Equal(0, allocated);
            // 3 frames received and 3 sent (ARP reply, echo reply, datagram) per round; every 50th round
            // an IGMP general query too, answered within 10 s (100 ms per round).
            Assert.Equal(Rounds + 100, iface.Counters.EchoRepliesSent);
            Assert.Equal(Rounds + 100, iface.Counters.UdpDelivered);
            Assert.Equal(Rounds + 100, iface.Counters.UdpTransmitted);
            Assert.True(iface.Counters.IgmpReportsSent > Rounds / 200, $"IGMP queries were not answered: {iface.Counters.IgmpReportsSent} reports");
        }

        [Fact]
        public void DhcpExchange_AfterWarmUp_AllocatesZeroBytes()
        {
            var device = new FakeDevice(Frames.LinuxMac);
            var iface = new Interface(device, new InterfaceConfig());
            var client = new DhcpClient(Frames.LinuxMac, new DhcpConfig(), XorshiftInverse.SeedFor(0x3903F326));
            iface.AttachDhcp(client);
            byte[] offer = Hex.Bytes(Corpus.DnsmasqDhcpOffer);
            byte[] ack = Hex.Bytes(Corpus.DnsmasqDhcpAck);
            iface.Poll(new Instant(0));
            long before = GC.GetAllocatedBytesForCurrentThread();
            device.Inject(offer);
            iface.Poll(new Instant(10));
            device.Inject(ack);
            iface.Poll(new Instant(20));
            for (long t = 20; t < 700_000; t += 1000) iface.Poll(new Instant(t));
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(0, allocated);
            Assert.True(client.Generation >= 2); // bound, then lost at expiry
        }
    }
}
