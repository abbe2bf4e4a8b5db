using System;
using System.Diagnostics;
using System.Threading;
using UefiRecovery.Netstack.Iface;
using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Netstack.Tests.Integration
{
    /// <summary>
    /// A network namespace whose only link is a TAP device read and written by netstack in this
    /// process. The TAP is created here (TUNSETIFF) and then moved into the namespace, so the Linux
    /// stack in the namespace is the real peer. Everything is removed on Dispose.
    /// Names start with "net" (helper tag) and carry the process id, so parallel runs don't collide.
    /// </summary>
    public sealed class TapNetwork : IDisposable
    {
        private static int s_counter;

        public static readonly Ipv4Address LinuxAddress = Ipv4Address.FromBytes(10, 78, 0, 1);
        public static readonly Ipv4Address StackAddress = Ipv4Address.FromBytes(10, 78, 0, 2);
        public static readonly Ipv4Address Mask = Ipv4Address.FromBytes(255, 255, 255, 0);
        public static readonly MacAddress StackMac = MacAddress.FromBytes(0x02, 0x00, 0x00, 0x78, 0x00, 0x02);
        public const string LinuxAddressText = "10.78.0.1";
        public const string StackAddressText = "10.78.0.2";

        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly object _gate = new object();
        private Thread? _thread;
        private volatile bool _stop;

        /// <param name="bridged">
        /// Put the TAP into a Linux bridge (IGMP snooping and querier on, multicast flooding to the
        /// TAP off), so multicast reaches the stack only if the bridge learned its IGMP membership.
        /// </param>
        /// <param name="receiveLossPercent">Share of received frames dropped before the stack (<see cref="LossyDevice"/>).</param>
        public TapNetwork(bool bridged = false, int receiveLossPercent = 0)
        {
            int id = Environment.ProcessId % 100000;
            int n = Interlocked.Increment(ref s_counter);
            Namespace = $"net-it-{id}-{n}";
            TapName = $"nettap{id}x{n}";
            Shell.Run("ip", $"netns del {Namespace}");
            Shell.Must("ip", $"netns add {Namespace}");
            try
            {
                Device = new TapDevice(TapName, StackMac);
                Shell.Must("ip", $"link set {TapName} netns {Namespace}");
                InNs("ip", "link set lo up");
                // Quiet the link: no IPv6 autoconfiguration chatter in the captures.
                InNs("sysctl", $"-q -w net.ipv6.conf.{TapName}.disable_ipv6=1");
                string linuxSide = TapName;
                if (bridged)
                {
                    BridgeName = $"netbr{id}x{n}";
                    InNs("ip", $"link add {BridgeName} type bridge mcast_snooping 1 mcast_querier 1 mcast_igmp_version 2 mcast_query_use_ifaddr 1");
                    InNs("sysctl", $"-q -w net.ipv6.conf.{BridgeName}.disable_ipv6=1");
                    InNs("ip", $"link set {TapName} master {BridgeName}");
                    InNs("bridge", $"link set dev {TapName} mcast_flood off");
                    InNs("ip", $"link set {BridgeName} up");
                    linuxSide = BridgeName;
                }
                InNs("ip", $"addr add {LinuxAddressText}/24 dev {linuxSide}");
                InNs("ip", $"link set {TapName} up");
                LinuxInterface = linuxSide;
            }
            catch
            {
                Dispose();
                throw;
            }
            Lossy = new LossyDevice(Device, receiveLossPercent, 20261207);
            Iface = new Interface(receiveLossPercent > 0 ? Lossy : Device, new InterfaceConfig());
        }

        public string Namespace { get; }
        public string TapName { get; }
        /// <summary>The bridge when bridged, else null.</summary>
        public string? BridgeName { get; }
        /// <summary>Where the Linux side's address lives (the TAP, or the bridge).</summary>
        public string LinuxInterface { get; } = "";
        public TapDevice Device { get; } = null!;
        public LossyDevice Lossy { get; }
        public Interface Iface { get; }

        public Instant Now => new Instant(_clock.ElapsedMilliseconds);

        public string InNs(string tool, string arguments) => Shell.Must("ip", $"netns exec {Namespace} {tool} {arguments}");

        public Shell.Result RunInNs(string tool, string arguments, int timeoutMs = 20_000) =>
            Shell.Run("ip", $"netns exec {Namespace} {tool} {arguments}", timeoutMs);

        public Process StartInNs(string tool, string arguments) => Shell.Start("ip", $"netns exec {Namespace} {tool} {arguments}");

        /// <summary>Polls the interface on a background thread, as the EFI main loop would.</summary>
        public void Start()
        {
            _thread = new Thread(() =>
            {
                while (!_stop)
                {
                    int frames;
                    lock (_gate) frames = Iface.Poll(Now);
                    if (frames == 0) Device.WaitReadable(2);
                }
            }) { IsBackground = true, Name = "netstack-poll" };
            _thread.Start();
        }

        /// <summary>Runs <paramref name="action"/> between polls (the interface is single-threaded).</summary>
        public T Locked<T>(Func<T> action)
        {
            lock (_gate) return action();
        }

        public bool WaitUntil(Func<bool> condition, int timeoutMs)
        {
            var sw = Stopwatch.StartNew();
            while (sw.ElapsedMilliseconds < timeoutMs)
            {
                if (Locked(condition)) return true;
                Thread.Sleep(20);
            }
            return Locked(condition);
        }

        public void Dispose()
        {
            _stop = true;
            _thread?.Join(2000);
            Device?.Dispose();
            Shell.Run("ip", $"netns del {Namespace}");
        }
    }
}
