using System;
using System.Diagnostics;
using UefiRecovery.Netstack;
using UefiRecovery.Netstack.Iface;
using UefiRecovery.Netstack.Phy;
using UefiRecovery.Netstack.Socket;
using UefiRecovery.Netstack.Tests.Support;
using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Netstack.Bench
{
    /// <summary>
    /// Stopwatch figures for the receive path: how many frames per second one core pushes through
    /// parse + dispatch, and how many bytes each frame allocates (expected: 0). Each case runs for a
    /// fixed time after a warm-up; the whole program takes under half a minute by default.
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            double seconds = args.Length > 0 && double.TryParse(args[0], System.Globalization.NumberStyles.Float,
                System.Globalization.CultureInfo.InvariantCulture, out double s) ? s : 2.0;
            Console.WriteLine($"netstack receive-path benchmark, {seconds:0.#} s per case, {Environment.ProcessorCount} cores, {Environment.Version}");
            Console.WriteLine($"{"case",-46} {"frames/s",14} {"ns/frame",10} {"bytes alloc/frame",18}");

            byte[] udpFrame = Convert.FromHexString(Corpus.LinuxUdpDatagram);
            byte[] bigUdpFrame = BuildUdpFrame(1472);
            byte[] echoFrame = Convert.FromHexString(Corpus.LinuxEchoRequest);
            byte[] dhcpAck = Convert.FromHexString(Corpus.DnsmasqDhcpAck);

            Run("parse only: Ethernet+IPv4+UDP (20 B payload)", seconds, udpFrame, ParseOnly);
            Run("parse only: Ethernet+IPv4+UDP (1472 B payload)", seconds, bigUdpFrame, ParseOnly);
            RunInterface("Interface: UDP 20 B -> socket queue -> drain", seconds, udpFrame, 5000);
            RunInterface("Interface: UDP 1472 B -> socket queue -> drain", seconds, bigUdpFrame, 5000);
            RunInterface("Interface: ICMP echo request -> reply sent", seconds, echoFrame, 0);
            RunInterface("Interface: UDP, no socket bound (dropped)", seconds, udpFrame, 0);
            Run("parse only: dnsmasq DHCPACK incl. options", seconds, dhcpAck, ParseOnly);
            return 0;
        }

        private static bool ParseOnly(ReadOnlySpan<byte> frame)
        {
            if (!EthernetFrame.TryCreate(frame, out EthernetFrame eth)) return false;
            if (!Ipv4Packet.TryCreate(eth.Payload, out Ipv4Packet ip) || Ipv4Repr.Parse(ip, out Ipv4Repr ipRepr) != PacketStatus.Ok) return false;
            if (!UdpPacket.TryCreate(ip.Payload, out UdpPacket udp)) return false;
            if (UdpRepr.Parse(udp, ipRepr.Source, ipRepr.Destination, out UdpRepr u) != PacketStatus.Ok) return false;
            if (u.DestinationPort != 68) return true;
            return DhcpMessage.TryCreate(udp.Payload, out DhcpMessage m) && DhcpRepr.Parse(m, out _) == PacketStatus.Ok;
        }

        private delegate bool FrameCase(ReadOnlySpan<byte> frame);

        private static void Run(string name, double seconds, byte[] frame, FrameCase body)
        {
            for (int i = 0; i < 100_000; i++) body(frame);
            long frames = 0;
            long allocBefore = GC.GetAllocatedBytesForCurrentThread();
            var sw = Stopwatch.StartNew();
            long budget = (long)(seconds * Stopwatch.Frequency);
            while (sw.ElapsedTicks < budget)
            {
                for (int i = 0; i < 10_000; i++)
                    if (!body(frame)) throw new InvalidOperationException("benchmark frame did not parse");
                frames += 10_000;
            }
            Report(name, frames, sw.Elapsed.TotalSeconds, GC.GetAllocatedBytesForCurrentThread() - allocBefore);
        }

        private static void RunInterface(string name, double seconds, byte[] frame, ushort port)
        {
            var device = new NullDevice(MacAddress.FromBytes(0x02, 0, 0, 0x77, 0, 0x01));
            var iface = new Interface(device, new InterfaceConfig { AnnounceCount = 0 });
            iface.SetAddress(Ipv4Address.FromBytes(10, 77, 0, 1), Ipv4Address.FromBytes(255, 255, 255, 0), Ipv4Address.Unspecified, new Instant(0));
            UdpSocket? socket = null;
            if (port != 0)
            {
                socket = new UdpSocket(port, 64, 4);
                iface.TryAddSocket(socket);
            }
            byte[] sink = new byte[2048];
            var now = new Instant(1);
            void Batch()
            {
                for (int i = 0; i < 32; i++) iface.ProcessFrame(frame, now);
                if (socket != null) while (socket.TryReceive(sink, out _) == UdpStatus.Ok) { }
            }
            for (int i = 0; i < 5_000; i++) Batch();
            long frames = 0;
            long allocBefore = GC.GetAllocatedBytesForCurrentThread();
            var sw = Stopwatch.StartNew();
            long budget = (long)(seconds * Stopwatch.Frequency);
            while (sw.ElapsedTicks < budget)
            {
                for (int i = 0; i < 300; i++) Batch();
                frames += 300 * 32;
            }
            Report(name, frames, sw.Elapsed.TotalSeconds, GC.GetAllocatedBytesForCurrentThread() - allocBefore);
        }

        private static void Report(string name, long frames, double elapsed, long allocated)
        {
            double perSecond = frames / elapsed;
            Console.WriteLine($"{name,-46} {perSecond,14:N0} {1e9 / perSecond,10:0.0} {(double)allocated / frames,18:0.000}");
        }

        /// <summary>A device whose transmit buffer is a scratch array; nothing is received through it.</summary>
        private sealed class NullDevice : IFrameDevice
        {
            private readonly byte[] _tx = new byte[2048];

            public NullDevice(MacAddress mac) { MacAddress = mac; }

            public MacAddress MacAddress { get; }
            public int MaximumFrameLength => 1514;

            public bool TryReceive(out ReadOnlySpan<byte> frame)
            {
                frame = default;
                return false;
            }

            public bool TryBeginTransmit(int length, out Span<byte> frame)
            {
                frame = _tx.AsSpan(0, length);
                return true;
            }

            public void EndTransmit() { }

            public bool TryJoinMulticast(MacAddress group) => true;
        }

        private static byte[] BuildUdpFrame(int payloadLength)
        {
            var src = Ipv4Address.FromBytes(10, 77, 0, 2);
            var dst = Ipv4Address.FromBytes(10, 77, 0, 1);
            var udp = new UdpRepr(60258, 5000, payloadLength);
            var ip = new Ipv4Repr(src, dst, IpProtocol.Udp, udp.BufferLength);
            byte[] frame = new byte[14 + ip.BufferLength];
            new EthernetRepr(MacAddress.FromBytes(0x02, 0, 0, 0x77, 0, 0x01), MacAddress.FromBytes(0x02, 0, 0, 0x77, 0, 0x02), EtherType.Ipv4).Emit(frame);
            ip.Emit(frame.AsSpan(14));
            for (int i = 0; i < payloadLength; i++) frame[42 + i] = (byte)i;
            udp.Emit(frame.AsSpan(34), src, dst);
            return frame;
        }
    }
}
