using System;
using System.IO;
using UefiRecovery.Netstack.Socket;
using UefiRecovery.Netstack.Wire;
using Xunit;

namespace UefiRecovery.Netstack.Tests.Integration
{
    /// <summary>netstack's DHCP client against a real dnsmasq in the namespace.</summary>
    [Collection("TapNetwork")]
    public class DnsmasqTests
    {
        [RootFact("ip", "dnsmasq", "ping")]
        public void Dhcp_FromDnsmasq_LeaseWithVendorManagerOption()
        {
            using var net = new TapNetwork();
            string leases = Path.Combine(Path.GetTempPath(), $"net-dnsmasq-{Environment.ProcessId}.leases");
            File.WriteAllText(leases, "");
            var client = new DhcpClient(TapNetwork.StackMac, new DhcpConfig(), 0x5EED1234);
            net.Iface.AttachDhcp(client);
            // The configuration docs/netstack.md gives operators: option 43, sub-option 1 = manager
            // address and 2 = manager port, sent to clients whose vendor class is "UefiRecovery".
            using var dnsmasq = net.StartInNs("dnsmasq",
                $"--no-daemon --conf-file=/dev/null --port=0 --no-ping --interface={net.TapName} --bind-interfaces " +
                "--dhcp-range=10.78.0.50,10.78.0.99,255.255.255.0,120 --dhcp-option=3,10.78.0.1 " +
                "--dhcp-option=vendor:UefiRecovery,1,10.78.0.1 --dhcp-option=vendor:UefiRecovery,2,c3:50 " +
                $"--dhcp-leasefile={leases} --pid-file= --log-dhcp");
            try
            {
                net.Start();
                Assert.True(net.WaitUntil(() => client.State == DhcpState.Bound, 15_000),
                    $"no lease; state {client.State}, dnsmasq: {Kill(dnsmasq)}");
                DhcpLease lease = net.Locked(() => client.Lease);
                uint host = lease.Address.Value & 0xFF;
                Assert.Equal(0x0A4E0000u, lease.Address.Value & 0xFFFFFF00u);
                Assert.InRange(host, 50u, 99u);
                Assert.Equal(TapNetwork.Mask.Value, lease.SubnetMask.Value);
                Assert.Equal(TapNetwork.LinuxAddress.Value, lease.Router.Value);
                Assert.Equal(TapNetwork.LinuxAddress.Value, lease.ServerIdentifier.Value);
                Assert.Equal(120u, lease.LeaseSeconds);
                Assert.Equal(TapNetwork.LinuxAddress.Value, lease.ManagerAddress.Value);
                Assert.Equal(50000, lease.ManagerPort);
                Assert.True(net.Locked(() => net.Iface.HasAddress));

                // dnsmasq recorded the lease for our MAC, and Linux reaches us at the leased address.
                Assert.Contains("02:00:00:78:00:02", File.ReadAllText(leases));
                string address = $"10.78.0.{host}";
                Shell.Result ping = net.RunInNs("ping", $"-c 2 -i 0.2 -W 2 {address}");
                Assert.True(ping.ExitCode == 0, ping.ToString());
            }
            finally
            {
                Kill(dnsmasq);
                File.Delete(leases);
            }
        }

        private static string Kill(System.Diagnostics.Process p)
        {
            if (!p.HasExited) p.Kill();
            p.WaitForExit(2000);
            return p.StandardError.ReadToEnd();
        }
    }
}
