using System;
using System.Text;
using UefiRecovery.Netstack.Socket;
using UefiRecovery.Netstack.Wire;
using Xunit;

namespace UefiRecovery.Netstack.Tests.Integration
{
    /// <summary>netstack on a TAP device against the real Linux stack in a network namespace.</summary>
    [Collection("TapNetwork")]
    public class LinuxPeerTests
    {
        [RootFact("ip", "ping")]
        public void Ping_FromLinux_EchoRepliesAndArpEntry()
        {
            using var net = new TapNetwork();
            net.Iface.SetAddress(TapNetwork.StackAddress, TapNetwork.Mask, Ipv4Address.Unspecified, net.Now);
            net.Start();

            Shell.Result ping = net.RunInNs("ping", $"-c 3 -i 0.2 -W 2 {TapNetwork.StackAddressText}");
            Assert.True(ping.ExitCode == 0, ping.ToString());
            Assert.Contains("3 received", ping.Output);
            Assert.Equal(3, net.Locked(() => net.Iface.Counters.EchoRepliesSent));

            // Linux resolved us by ARP: its neighbour table holds our MAC for our address.
            string neigh = net.InNs("ip", $"neigh show {TapNetwork.StackAddressText} dev {net.LinuxInterface}");
            Assert.Contains("lladdr 02:00:00:78:00:02", neigh);
            Assert.DoesNotContain("FAILED", neigh);
            Assert.True(net.Locked(() => net.Iface.Counters.ArpRepliesSent) >= 1);
        }

        [RootFact("ip", "ping")]
        public void GratuitousArp_OnConfigure_LinuxLearnsUsWithoutAsking()
        {
            using var net = new TapNetwork();
            // Linux only takes unsolicited ARP into an empty table with arp_accept (RFC 5227 announcements).
            net.InNs("sysctl", $"-q -w net.ipv4.conf.{net.TapName}.arp_accept=1");
            net.Start();
            net.Locked(() => { net.Iface.SetAddress(TapNetwork.StackAddress, TapNetwork.Mask, Ipv4Address.Unspecified, net.Now); return 0; });
            Assert.True(net.WaitUntil(() => net.Iface.Counters.ArpAnnouncementsSent >= 1, 3000));
            string neigh = "";
            for (int i = 0; i < 50 && !neigh.Contains("lladdr", StringComparison.Ordinal); i++)
            {
                System.Threading.Thread.Sleep(50);
                neigh = net.InNs("ip", $"neigh show {TapNetwork.StackAddressText} dev {net.TapName}");
            }
            Assert.Contains("lladdr 02:00:00:78:00:02", neigh);
        }

        private const string PythonPeer = @"
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('10.78.0.1', 6000))
s.settimeout(8)
print('ready', flush=True)
data, addr = s.recvfrom(2048)
print('got', data.decode(), addr[0], addr[1], flush=True)
s.sendto(b'ping-from-linux', ('10.78.0.2', 7000))
data, addr = s.recvfrom(2048)
print('reply', data.decode(), addr[0], addr[1], flush=True)
";

        [RootFact("ip", "python3")]
        public void Udp_WithLinuxSocket_DatagramsBothWays()
        {
            using var net = new TapNetwork();
            net.Iface.SetAddress(TapNetwork.StackAddress, TapNetwork.Mask, Ipv4Address.Unspecified, net.Now);
            var socket = new UdpSocket(7000, 4, 4);
            Assert.True(net.Iface.TryAddSocket(socket));
            net.Start();

            string script = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"net-udp-peer-{Environment.ProcessId}.py");
            System.IO.File.WriteAllText(script, PythonPeer);
            try
            {
                using var peer = net.StartInNs("python3", script);
                Assert.Equal("ready", peer.StandardOutput.ReadLine());

                // Our stack speaks first: this needs our own ARP resolution of the Linux side.
                var linux = new UdpEndpoint(TapNetwork.LinuxAddress, 6000);
                Assert.Equal(UdpStatus.Ok, net.Locked(() => socket.TrySend(Encoding.ASCII.GetBytes("hello-from-netstack"), linux)));
                Assert.Equal("got hello-from-netstack 10.78.0.2 7000", peer.StandardOutput.ReadLine());

                // Linux answers; echo it back with a prefix.
                byte[] buffer = new byte[2048];
                UdpDatagramInfo info = default;
                Assert.True(net.WaitUntil(() => socket.TryReceive(buffer, out info) == UdpStatus.Ok, 8000), "no datagram from Linux");
                Assert.Equal("ping-from-linux", Encoding.ASCII.GetString(buffer, 0, info.Length));
                Assert.Equal(TapNetwork.LinuxAddress.Value, info.Source.Address.Value);
                Assert.Equal(6000, info.Source.Port);
                byte[] reply = Encoding.ASCII.GetBytes("pong:ping-from-linux");
                Assert.Equal(UdpStatus.Ok, net.Locked(() => socket.TrySend(reply, info.Source)));
                Assert.Equal("reply pong:ping-from-linux 10.78.0.2 7000", peer.StandardOutput.ReadLine());
                Assert.True(peer.WaitForExit(5000));
                Assert.Equal(0, peer.ExitCode);
                Assert.True(net.Locked(() => net.Iface.Counters.ArpRequestsSent) >= 1);
            }
            finally
            {
                System.IO.File.Delete(script);
            }
        }

        [RootFact("ip", "python3")]
        public void Udp_BroadcastFromStack_ReachesLinuxSocket()
        {
            using var net = new TapNetwork();
            net.Iface.SetAddress(TapNetwork.StackAddress, TapNetwork.Mask, Ipv4Address.Unspecified, net.Now);
            var socket = new UdpSocket(7001, 2, 2);
            net.Iface.TryAddSocket(socket);
            net.Start();
            string script = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"net-bcast-peer-{Environment.ProcessId}.py");
            System.IO.File.WriteAllText(script, @"
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('', 6002))
s.settimeout(8)
print('ready', flush=True)
data, addr = s.recvfrom(2048)
print('got', data.decode(), addr[0], addr[1], flush=True)
");
            try
            {
                using var peer = net.StartInNs("python3", script);
                Assert.Equal("ready", peer.StandardOutput.ReadLine());
                net.Locked(() => socket.TrySend(Encoding.ASCII.GetBytes("to-everyone"), new UdpEndpoint(Ipv4Address.Broadcast, 6002)));
                Assert.Equal("got to-everyone 10.78.0.2 7001", peer.StandardOutput.ReadLine());
            }
            finally
            {
                System.IO.File.Delete(script);
            }
        }
    }
}
