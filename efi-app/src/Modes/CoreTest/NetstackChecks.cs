#if PORTABLE_CORE
using Internal.Runtime;
using UefiRecovery.Netstack.Phy;
using MacAddress = UefiRecovery.Netstack.Wire.MacAddress;

namespace UefiRecovery.Efi.Modes.CoreTest;

/// <summary>
/// netstack on the shim against captured Linux/dnsmasq frames: ARP/ICMP/UDP/IGMP answers byte-identical to
/// Linux's, DHCP bound from dnsmasq's OFFER/ACK, zero arena bytes per packet after warm-up (the portable-subset
/// rule, measured by the shim's own allocator), and seeded mutations that must never reach a fail-fast.
/// </summary>
internal static unsafe class NetstackChecks
{
    private sealed class CaptureDevice : IFrameDevice
    {
        private readonly byte[] _rx = new byte[2048];
        private int _rxLength = -1;
        private readonly byte[] _tx = new byte[64 * 2048];
        private readonly int[] _txLength = new int[64];
        public int Sent;
        private int _pending = -1;

        public CaptureDevice(MacAddress mac) { MacAddress = mac; }
        public MacAddress MacAddress { get; }
        public int MaximumFrameLength => 1514;

        public void Inject(ReadOnlySpan<byte> frame) { frame.CopyTo(_rx); _rxLength = frame.Length; }

        public bool TryReceive(out ReadOnlySpan<byte> frame)
        {
            if (_rxLength < 0) { frame = default; return false; }
            frame = new ReadOnlySpan<byte>(_rx, 0, _rxLength);
            _rxLength = -1;
            return true;
        }

        public bool TryBeginTransmit(int length, out Span<byte> frame)
        {
            int slot = Sent % 64;
            _pending = length;
            frame = new Span<byte>(_tx, slot * 2048, length);
            frame.Fill(0xA5);
            return true;
        }

        public void EndTransmit() { _txLength[Sent % 64] = _pending; Sent++; }
        public bool TryJoinMulticast(MacAddress group) => true;
        public ReadOnlySpan<byte> SentFrame(int i) => new ReadOnlySpan<byte>(_tx, (i % 64) * 2048, _txLength[i % 64]);
        public void Clear() { Sent = 0; }
    }

    private static readonly MacAddress MacA = MacAddress.FromBytes(2, 0, 0, 0x77, 0, 1);
    private static readonly MacAddress MacB = MacAddress.FromBytes(2, 0, 0, 0x77, 0, 2);

    private static int Nibble(char c) => c <= '9' ? c - '0' : c - 'a' + 10;

    private static byte[] Hex(string hex)
    {
        byte[] b = new byte[hex.Length / 2];
        for (int i = 0; i < b.Length; i++) b[i] = (byte)((Nibble(hex[2 * i]) << 4) | Nibble(hex[2 * i + 1]));
        return b;
    }

    private static bool Same(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => a.SequenceEqual(b);


    private static Interface Stack(CaptureDevice d, Ipv4Address a)
    {
        var config = new InterfaceConfig();
        config.AnnounceCount = 0;
        var iface = new Interface(d, config);
        iface.SetAddress(a, Ipv4Address.FromBytes(255, 255, 255, 0), Ipv4Address.Unspecified, new Instant(0));
        return iface;
    }

    private static uint UndoLeft(uint y, int s) { uint x = y; for (int i = 0; i < 32 / s + 1; i++) x = y ^ (x << s); return x; }
    private static uint UndoRight(uint y, int s) { uint x = y; for (int i = 0; i < 32 / s + 1; i++) x = y ^ (x >> s); return x; }

    public static void Run(CoreTestReport report)
    {
        Ipv4Address a1 = Ipv4Address.FromBytes(10, 77, 0, 1), a2 = Ipv4Address.FromBytes(10, 77, 0, 2);

        // 1. ARP reply and echo reply byte-identical to Linux.
        var dA = new CaptureDevice(MacA);
        Interface ifA = Stack(dA, a1);
        var sock = new UdpSocket(5000, 4, 4);
        ifA.TryAddSocket(sock);
        dA.Inject(Hex(NetstackCorpus.LinuxArpRequest));
        ifA.Poll(new Instant(1));
        bool ok = dA.Sent == 1 && Same(dA.SentFrame(0).Slice(0, 42), Hex(NetstackCorpus.LinuxArpReply));
        report.Check("netstack.arp-reply-equals-linux", ok);

        dA.Inject(Hex(NetstackCorpus.LinuxEchoRequest));
        ifA.Poll(new Instant(2));
        byte[] linuxReply = Hex(NetstackCorpus.LinuxEchoReply);
        ok = dA.Sent == 2 && Same(dA.SentFrame(1).Slice(34), new ReadOnlySpan<byte>(linuxReply, 34, linuxReply.Length - 34));
        report.Check("netstack.echo-reply-equals-linux", ok);

        dA.Inject(Hex(NetstackCorpus.LinuxUdpDatagram));
        ifA.Poll(new Instant(3));
        byte[] buf = new byte[64];
        ok = sock.TryReceive(buf, out UdpDatagramInfo info) == UdpStatus.Ok && info.Length == 20 && info.Source.Port == 60258 && buf[0] == (byte)'h';
        report.Check("netstack.udp-delivered", ok);

        // 2. Send from 10.77.0.2: ARP request, then the datagram, both as Linux sent them.
        var dB = new CaptureDevice(MacB);
        Interface ifB = Stack(dB, a2);
        var sockB = new UdpSocket(60258, 2, 2);
        ifB.TryAddSocket(sockB);
        byte[] hello = Hex("68656c6c6f2066726f6d206c696e757820756470");
        sockB.TrySend(hello, new UdpEndpoint(a1, 5000));
        ifB.Poll(new Instant(0));
        ok = dB.Sent == 1 && Same(dB.SentFrame(0).Slice(0, 42), Hex(NetstackCorpus.LinuxArpRequest));
        dB.Inject(Hex(NetstackCorpus.LinuxArpReply));
        ifB.Poll(new Instant(5));
        byte[] linuxUdp = Hex(NetstackCorpus.LinuxUdpDatagram);
        ok = ok && dB.Sent == 2 && Same(dB.SentFrame(1).Slice(34, linuxUdp.Length - 34), new ReadOnlySpan<byte>(linuxUdp, 34, linuxUdp.Length - 34));
        report.Check("netstack.udp-send-after-arp-equals-linux", ok);

        // 3. IGMP report byte-identical to Linux's.
        ifB.TryJoinMulticastGroup(Ipv4Address.FromBytes(239, 1, 2, 3));
        int before = dB.Sent;
        ifB.Poll(new Instant(6));
        ok = dB.Sent == before + 1 && Same(dB.SentFrame(before).Slice(0, 46), Hex(NetstackCorpus.LinuxIgmpV2Report));
        report.Check("netstack.igmp-report-equals-linux", ok);

        // 4. DHCP against dnsmasq's captured OFFER/ACK.
        var dC = new CaptureDevice(MacB);
        var ifC = new Interface(dC, new InterfaceConfig());
        uint seed = UndoLeft(UndoRight(UndoLeft(0x3903F326u, 5), 17), 13);
        var dhcp = new DhcpClient(MacB, new DhcpConfig(), seed);
        ifC.AttachDhcp(dhcp);
        ifC.Poll(new Instant(0));
        bool discover = dC.Sent == 1;
        dC.Inject(Hex(NetstackCorpus.DnsmasqDhcpOffer));
        ifC.Poll(new Instant(10));
        bool request = dC.Sent == 2 && dhcp.State == DhcpState.Requesting;
        dC.Inject(Hex(NetstackCorpus.DnsmasqDhcpAck));
        ifC.Poll(new Instant(20));
        ok = discover && request && dhcp.State == DhcpState.Bound && ifC.HasAddress
            && ifC.Address.Value == 0x0A4D003Bu && dhcp.Lease.ManagerAddress.Value == a1.Value && dhcp.Lease.ManagerPort == 443;
        report.Check("netstack.dhcp-bound-with-vendor-option", ok);

        // 5. Zero arena bytes per packet after warm-up.
        byte[] arp = Hex(NetstackCorpus.LinuxArpRequest), echo = Hex(NetstackCorpus.LinuxEchoRequest), udp = Hex(NetstackCorpus.LinuxUdpDatagram);
        ulong used0 = 0;
        for (int round = 0; round < 1100; round++)
        {
            if (round == 100) used0 = EfiRuntime.ArenaUsed;
            dA.Inject(arp); ifA.Poll(new Instant(100 + round));
            dA.Inject(echo); ifA.Poll(new Instant(100 + round));
            dA.Inject(udp); ifA.Poll(new Instant(100 + round));
            sock.TryReceive(buf, out _);
            sock.TrySend(buf.AsSpan(0, 20), new UdpEndpoint(a2, 60258));
            ifA.Poll(new Instant(100 + round));
        }
        ulong used = EfiRuntime.ArenaUsed - used0;
        ok = used == 0;
        new ConsoleLine(stackalloc char[120]).Append("CORETEST INFO netstack arena bytes over 1000 rounds=").AppendDecimal(used).WriteLine(report.Console);
        report.Check("netstack.zero-allocation-per-packet", ok);

        // 6. Seeded mutations through both interfaces; any out-of-bounds access is a fail-fast.
        string[] corpus = new string[] { NetstackCorpus.LinuxArpRequest, NetstackCorpus.LinuxEchoRequest, NetstackCorpus.LinuxUdpDatagram,
            NetstackCorpus.DnsmasqDhcpOffer, NetstackCorpus.DnsmasqDhcpAck, NetstackCorpus.LinuxBridgeIgmpGeneralQuery, NetstackCorpus.LinuxIcmpPortUnreachable };
        byte[][] frames = new byte[corpus.Length][];
        for (int i = 0; i < corpus.Length; i++) frames[i] = Hex(corpus[i]);
        byte[] scratch = new byte[1600];
        var rng = new Xorshift32(20261121);
        const int Mutations = 50_000;
        for (int n = 0; n < Mutations; n++)
        {
            byte[] src = frames[rng.NextUInt32() % (uint)frames.Length];
            int length = src.Length;
            src.AsSpan().CopyTo(scratch);
            int count = 1 + (int)(rng.NextUInt32() % 4);
            for (int m = 0; m < count && length > 0; m++)
            {
                uint kind = rng.NextUInt32() % 8;
                int at = (int)(rng.NextUInt32() % (uint)length);
                if (kind < 5) scratch[at] ^= (byte)(1 << (int)(rng.NextUInt32() % 8));
                else if (kind < 7) scratch[at] = (byte)rng.NextUInt32();
                else length = at;
            }
            var frame = new ReadOnlySpan<byte>(scratch, 0, length);
            ifA.ProcessFrame(frame, new Instant(n));
            ifC.ProcessFrame(frame, new Instant(n));
            if ((n & 255) == 0) { ifA.Poll(new Instant(n)); ifC.Poll(new Instant(n)); }
        }
        report.Check("netstack.mutations-50000-no-failfast", true); // reaching this line is the check: any fault is a fail-fast
    }
}
#endif
