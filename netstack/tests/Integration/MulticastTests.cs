using System;
using System.Text;
using UefiRecovery.Netstack.Socket;
using UefiRecovery.Netstack.Wire;
using Xunit;

namespace UefiRecovery.Netstack.Tests.Integration
{
    /// <summary>IGMP against a Linux bridge doing IGMP snooping, with flooding to our port turned off.</summary>
    [Collection("TapNetwork")]
    public class MulticastTests
    {
        private static readonly Ipv4Address Group = Ipv4Address.FromBytes(239, 78, 1, 2);

        [RootFact("ip", "bridge", "python3")]
        public void Join_SnoopingBridgeLearnsMembership_LinuxMulticastArrives()
        {
            using var net = new TapNetwork(bridged: true);
            net.Iface.SetAddress(TapNetwork.StackAddress, TapNetwork.Mask, Ipv4Address.Unspecified, net.Now);
            var socket = new UdpSocket(6100, 4, 1);
            net.Iface.TryAddSocket(socket);
            net.Start();

            // Before joining, the bridge must not forward the group to us (flooding is off on our port).
            Send(net, "before-join");
            System.Threading.Thread.Sleep(300);
            Assert.Equal(0, net.Locked(() => socket.ReceiveQueued));

            Assert.True(net.Locked(() => net.Iface.TryJoinMulticastGroup(Group)));
            string mdb = "";
            for (int i = 0; i < 50 && !mdb.Contains("239.78.1.2", StringComparison.Ordinal); i++)
            {
                System.Threading.Thread.Sleep(50);
                mdb = net.InNs("bridge", $"mdb show dev {net.BridgeName}");
            }
            Assert.Contains($"port {net.TapName} grp 239.78.1.2", mdb);

            Send(net, "after-join");
            byte[] buffer = new byte[256];
            UdpDatagramInfo info = default;
            Assert.True(net.WaitUntil(() => socket.TryReceive(buffer, out info) == UdpStatus.Ok, 5000), "group datagram not delivered");
            Assert.Equal("after-join", Encoding.ASCII.GetString(buffer, 0, info.Length));
            Assert.Equal(Group.Value, info.Destination.Value);
            Assert.Equal(TapNetwork.LinuxAddress.Value, info.Source.Address.Value);
        }

        private static void Send(TapNetwork net, string text)
        {
            Shell.Result r = net.RunInNs("python3",
                "-c \"import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); " +
                "s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton('10.78.0.1')); " +
                $"s.sendto(b'{text}', ('239.78.1.2', 6100))\"");
            Assert.True(r.ExitCode == 0, r.ToString());
        }
    }
}
