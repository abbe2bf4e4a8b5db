using System;
using UefiRecovery.Netstack.Iface;
using UefiRecovery.Netstack.Socket;
using UefiRecovery.Netstack.Tests.Support;
using UefiRecovery.Netstack.Wire;
using Xunit;

namespace UefiRecovery.Netstack.Tests.Wire
{
    /// <summary>Hostile-input runs over the captured corpus: truncation and seeded mutation.</summary>
    public class CorpusRobustnessTests
    {
        public static TheoryData<string> CorpusNames()
        {
            var data = new TheoryData<string>();
            foreach (var f in typeof(Corpus).GetFields())
                if (f.IsLiteral) data.Add(f.Name);
            return data;
        }

        [Theory]
        [MemberData(nameof(CorpusNames))]
        public void ParseChain_CompleteCapturedFrame_Ok(string name)
        {
            Assert.Equal(PacketStatus.Ok, ParseChain.Parse(Hex.Bytes(ArpTests.CorpusByName(name))));
        }

        [Theory]
        [MemberData(nameof(CorpusNames))]
        public void ParseChain_EveryStrictPrefix_Rejected(string name)
        {
            byte[] frame = Hex.Bytes(ArpTests.CorpusByName(name));
            for (int length = 0; length < frame.Length; length++)
            {
                // A fresh array of exactly this length: reading past it would throw.
                byte[] prefix = frame.AsSpan(0, length).ToArray();
                PacketStatus status = ParseChain.Parse(prefix);
                Assert.True(status != PacketStatus.Ok, $"{name}: prefix of {length} bytes accepted");
            }
        }

        /// <summary>
        /// Every prefix (and the whole frame), each as an exactly-sized array (reading past it would throw),
        /// through interfaces at every place on the captured link. After every frame the outcome counters
        /// must add up to the frames received: a frame that ends in a silent <c>return</c>, or is counted
        /// twice, fails here.
        /// </summary>
        [Theory]
        [MemberData(nameof(CorpusNames))]
        public void ProcessFrame_EveryPrefix_EachFrameCountedOnce(string name)
        {
            byte[] frame = Hex.Bytes(ArpTests.CorpusByName(name));
            (string Place, Interface Iface)[] places = EveryPlaceOnTheLink();
            for (int length = 0; length <= frame.Length; length++)
            {
                foreach ((string place, Interface iface) in places)
                {
                    iface.ProcessFrame(frame.AsSpan(0, length).ToArray(), new Instant(length));
                    InterfaceCounters c = iface.Counters;
                    Assert.True(c.FramesReceived == FrameOutcomes(c),
                        $"{name}, {length} bytes, {place}: {c.FramesReceived} frames received, {FrameOutcomes(c)} accounted for");
                }
            }
        }

        /// <summary>
        /// Interfaces that between them take every way through the receive path the captured frames can
        /// reach: both ends of the capture, a DHCP client, bystanders, a full socket and no TX buffer.
        /// (No captured frame has an unknown EtherType or IP protocol, or reaches our MAC with another
        /// host's IP: the mutation run below checks those outcomes add up.)
        /// </summary>
        private static (string, Interface)[] EveryPlaceOnTheLink()
        {
            var linuxPlace = new Interface(new FakeDevice(Frames.LinuxMac), new InterfaceConfig());
            linuxPlace.SetAddress(Frames.Net2, Frames.Mask24, Ipv4Address.Unspecified, new Instant(0));

            var bystanderMac = MacAddress.FromBytes(0x02, 0, 0, 0x77, 0, 0x03);
            var bystander = new Interface(new FakeDevice(bystanderMac), new InterfaceConfig());
            bystander.SetAddress(Ipv4Address.FromBytes(10, 77, 0, 3), Frames.Mask24, Ipv4Address.Unspecified, new Instant(0));
            bystander.TryJoinMulticastGroup(Interface.AllRoutersGroup); // so the captured IGMP Leave reaches it
            var conflicting = new Interface(new FakeDevice(bystanderMac), new InterfaceConfig());
            conflicting.SetAddress(Frames.Net2, Frames.Mask24, Ipv4Address.Unspecified, new Instant(0));

            // dnsmasq's place again, with a one-slot socket already holding a datagram and a device that lends no TX buffer.
            var starvedDevice = new FakeDevice(Frames.DnsmasqMac) { RefuseTransmit = true };
            var starved = new Interface(starvedDevice, new InterfaceConfig());
            starved.SetAddress(Frames.Net1, Frames.Mask24, Ipv4Address.Unspecified, new Instant(0));
            starved.TryAddSocket(new UdpSocket(5000, 1, 1));
            starved.ProcessFrame(Hex.Bytes(Corpus.LinuxUdpDatagram), new Instant(0));

            return new (string, Interface)[]
            {
                ("10.77.0.1 at dnsmasq's MAC, socket 5000, group 239.1.2.3", NewStack().Item1),
                ("10.77.0.2 at Linux's MAC", linuxPlace),
                ("DHCP client at Linux's MAC", NewDhcpStack().Item1),
                ("bystander 10.77.0.3 in group 224.0.0.2", bystander),
                ("10.77.0.2 at a third MAC (address conflict)", conflicting),
                ("10.77.0.1, socket ring full, no TX buffer", starved),
            };
        }

        /// <summary>The counters of which each received frame increments exactly one (docs/netstack.md, "Every frame is counted once").</summary>
        private static long FrameOutcomes(InterfaceCounters c) =>
            c.DroppedTotal + c.FramesNotForUs + c.FramesUnsupported
            + c.ArpRepliesSent + c.ArpRepliesReceived + c.AddressConflicts
            + c.EchoRepliesSent + c.RepliesNotSent
            + c.UdpDelivered + c.UdpSocketFull + c.UdpNoSocket + c.TcpDelivered + c.TcpNoSocket
            + c.DhcpMessagesReceived
            + c.IgmpQueriesReceived + c.IgmpReportsReceived;

        private static (Interface, FakeDevice) NewStack()
        {
            var device = new FakeDevice(Frames.DnsmasqMac);
            var iface = new Interface(device, new InterfaceConfig());
            iface.SetAddress(Frames.Net1, Frames.Mask24, Ipv4Address.Unspecified, new Instant(0));
            iface.TryAddSocket(new UdpSocket(5000, 4, 4));
            iface.TryJoinMulticastGroup(Ipv4Address.FromBytes(239, 1, 2, 3));
            return (iface, device);
        }

        /// <summary>An unconfigured interface whose DHCP client sent its DISCOVER with the captured xid, so dnsmasq's replies reach it.</summary>
        private static (Interface, FakeDevice) NewDhcpStack()
        {
            var device = new FakeDevice(Frames.LinuxMac);
            var iface = new Interface(device, new InterfaceConfig());
            var client = new DhcpClient(Frames.LinuxMac, new DhcpConfig(), XorshiftInverse.SeedFor(0x3903F326));
            iface.AttachDhcp(client);
            iface.Poll(new Instant(0));
            return (iface, device);
        }

        /// <summary>
        /// 1,000,000 mutated frames (seeded, so a failure reproduces) through every parser, every
        /// accepted parse emitted and re-parsed, and through two interfaces: one configured, one
        /// running DHCP. Half of the frames get their checksums repaired after mutation so the
        /// mutations reach the layers behind the checksums. Any out-of-bounds read throws here.
        /// </summary>
        [Fact]
        public void Mutation_MillionSeededFrames_NeverCrashAndRoundTrip()
        {
            // CI runs the default; NETSTACK_MUTATIONS / NETSTACK_MUTATION_SEED allow longer local runs.
            int Iterations = EnvInt("NETSTACK_MUTATIONS", 1_000_000);
            uint seed = (uint)EnvInt("NETSTACK_MUTATION_SEED", 20261121);
            byte[][] corpus = new byte[Corpus.All.Length][];
            for (int i = 0; i < corpus.Length; i++) corpus[i] = Hex.Bytes(Corpus.All[i]);
            var (configured, configuredDevice) = NewStack();
            // The client's first xid is the captured one: mutated dnsmasq replies then reach its state machine.
            var (dhcpIface, dhcpDevice) = NewDhcpStack();

            var rng = new Xorshift32(seed);
            byte[] scratch = new byte[1600];
            byte[] emit = new byte[1600];
            long accepted = 0;
            for (int n = 0; n < Iterations; n++)
            {
                byte[] source = corpus[rng.NextUInt32() % (uint)corpus.Length];
                int length = source.Length;
                source.CopyTo(scratch, 0);
                int mutations = 1 + (int)(rng.NextUInt32() % 4);
                for (int m = 0; m < mutations; m++)
                {
                    uint kind = rng.NextUInt32() % 8;
                    int at = (int)(rng.NextUInt32() % (uint)length);
                    if (kind < 4) scratch[at] ^= (byte)(1 << (int)(rng.NextUInt32() % 8));
                    else if (kind < 6) scratch[at] = (byte)rng.NextUInt32();
                    else if (kind == 6) length = at;                               // truncate
                    else scratch[at] = (byte)((rng.NextUInt32() & 1) == 0 ? 0x00 : 0xFF); // extreme length bytes
                    if (length == 0) break;
                }
                if ((rng.NextUInt32() & 1) == 0) Frames.FixChecksums(scratch.AsSpan(0, length));
                // Exactly-sized copy: the parsers must not read past it.
                ReadOnlySpan<byte> frame = new ReadOnlySpan<byte>(scratch, 0, length);
                if (RoundTrip(frame, emit)) accepted++;
                configured.ProcessFrame(frame, new Instant(n));
                dhcpIface.ProcessFrame(frame, new Instant(n));
                if ((n & 1023) == 0)
                {
                    configured.Poll(new Instant(n));
                    dhcpIface.Poll(new Instant(n));
                    configuredDevice.ClearSent();
                    dhcpDevice.ClearSent();
                }
            }
            // The run must have exercised the accepting paths, not only rejections.
            Assert.True(accepted > Iterations / 20, $"only {accepted} mutated frames parsed fully");
            // And each frame (Poll received none: they went in through ProcessFrame) ended in exactly one outcome.
            Assert.Equal(Iterations, configured.Counters.FramesReceived);
            Assert.Equal(configured.Counters.FramesReceived, FrameOutcomes(configured.Counters));
            Assert.Equal(Iterations, dhcpIface.Counters.FramesReceived);
            Assert.Equal(dhcpIface.Counters.FramesReceived, FrameOutcomes(dhcpIface.Counters));
        }

        private static int EnvInt(string name, int fallback) =>
            int.TryParse(Environment.GetEnvironmentVariable(name), out int value) && value > 0 ? value : fallback;

        /// <summary>Parses each layer; what parses is emitted again and must parse to the same value.</summary>
        private static bool RoundTrip(ReadOnlySpan<byte> buffer, byte[] emit)
        {
            if (!EthernetFrame.TryCreate(buffer, out EthernetFrame frame)) return false;
            if (frame.EtherType == EtherType.Arp)
            {
                if (!ArpPacket.TryCreate(frame.Payload, out ArpPacket arp) || ArpRepr.Parse(arp, out ArpRepr a) != PacketStatus.Ok) return false;
                a.Emit(emit);
                ArpPacket.TryCreate(emit.AsSpan(0, a.BufferLength), out ArpPacket again);
                Assert.Equal(PacketStatus.Ok, ArpRepr.Parse(again, out ArpRepr b));
                Assert.Equal(a, b);
                return true;
            }
            if (!Ipv4Packet.TryCreate(frame.Payload, out Ipv4Packet ip) || Ipv4Repr.Parse(ip, out Ipv4Repr ipRepr) != PacketStatus.Ok) return false;
            if (ipRepr.Protocol == IpProtocol.Icmp)
            {
                if (!IcmpPacket.TryCreate(ip.Payload, out IcmpPacket icmp) || IcmpEchoRepr.Parse(icmp, out IcmpEchoRepr e) != PacketStatus.Ok) return false;
                icmp.Data.CopyTo(emit.AsSpan(8));
                e.Emit(emit);
                IcmpPacket.TryCreate(emit.AsSpan(0, e.BufferLength), out IcmpPacket icmp2);
                Assert.Equal(PacketStatus.Ok, IcmpEchoRepr.Parse(icmp2, out IcmpEchoRepr e2));
                Assert.Equal(e, e2);
                return true;
            }
            if (ipRepr.Protocol == IpProtocol.Igmp)
            {
                if (!IgmpPacket.TryCreate(ip.Payload, out IgmpPacket igmp) || IgmpRepr.Parse(igmp, out IgmpRepr g) != PacketStatus.Ok) return false;
                if (igmp.Length != IgmpPacket.HeaderLength) return true; // a v3 query keeps its tail; only v2 fields re-emit
                g.Emit(emit);
                IgmpPacket.TryCreate(emit.AsSpan(0, g.BufferLength), out IgmpPacket igmp2);
                Assert.Equal(PacketStatus.Ok, IgmpRepr.Parse(igmp2, out IgmpRepr g2));
                Assert.Equal(g, g2);
                // The IPv4 header (with Router Alert) re-emits identically.
                ipRepr.Emit(emit);
                Ipv4Packet.TryCreate(emit.AsSpan(0, ipRepr.BufferLength), out Ipv4Packet ip2);
                Assert.Equal(PacketStatus.Ok, Ipv4Repr.Parse(ip2, out Ipv4Repr ipRepr2));
                Assert.Equal(ipRepr, ipRepr2);
                return true;
            }
            if (ipRepr.Protocol != IpProtocol.Udp) return false;
            if (!UdpPacket.TryCreate(ip.Payload, out UdpPacket udp)) return false;
            if (UdpRepr.Parse(udp, ipRepr.Source, ipRepr.Destination, out UdpRepr u) != PacketStatus.Ok) return false;
            udp.Payload.CopyTo(emit.AsSpan(8));
            u.Emit(emit, ipRepr.Source, ipRepr.Destination);
            UdpPacket.TryCreate(emit.AsSpan(0, u.BufferLength), out UdpPacket udp2);
            Assert.Equal(PacketStatus.Ok, UdpRepr.Parse(udp2, ipRepr.Source, ipRepr.Destination, out UdpRepr u2));
            Assert.Equal(u, u2);
            if (!DhcpMessage.TryCreate(udp.Payload, out DhcpMessage dhcp) || DhcpRepr.Parse(dhcp, out DhcpRepr d) != PacketStatus.Ok) return true;
            if (d.BufferLength > emit.Length) return true;
            d.Emit(emit);
            DhcpMessage.TryCreate(emit.AsSpan(0, d.BufferLength), out DhcpMessage dhcp2);
            Assert.Equal(PacketStatus.Ok, DhcpRepr.Parse(dhcp2, out DhcpRepr d2));
            Assert.Equal(d, d2);
            return true;
        }
    }
}
