using System.Linq;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed;
using UefiRecovery.Testbed.Network;
using Xunit;

namespace UefiRecovery.QemuTests.Harness;

/// <summary>The namespace helpers that network tests build on: real kernel devices, real pings, full cleanup.</summary>
public sealed class NetworkNamespaceTests
{
    private const string Prefix = "qemu";

    [RootFact]
    public void AddVethPair_TwoNamespaces_KernelStacksPingEachOther()
    {
        using NetworkNamespace left = NetworkNamespace.Create(Prefix);
        using NetworkNamespace right = NetworkNamespace.Create(Prefix);
        string leftEnd = left.DeviceName("vl");
        string rightEnd = left.DeviceName("vr");
        left.AddVethPair(leftEnd, rightEnd, right);
        left.SetAddress(leftEnd, "10.203.0.1/24");
        right.SetAddress(rightEnd, "10.203.0.2/24");

        HostCommandResult ping = left.Exec("ping", "-c", "1", "-W", "5", "10.203.0.2");

        Assert.True(ping.Succeeded, ping.ToString());
    }

    [RootFact]
    public void AddTap_OnBridge_TapIsBridgePort()
    {
        using NetworkNamespace ns = NetworkNamespace.Create(Prefix);
        string bridge = ns.AddBridge(ns.DeviceName("br"), "10.203.1.1/24");
        string tap = ns.AddTap(ns.DeviceName("tap"), bridge);

        HostCommandResult link = ns.ExecChecked("ip", "-o", "link", "show", "dev", tap);

        Assert.Contains("master " + bridge, link.StandardOutput);
    }

    [RootFact]
    public void Dispose_NamespaceWithDevicesAndHostVeth_EverythingDeleted()
    {
        string name;
        string hostEnd;
        using (NetworkNamespace ns = NetworkNamespace.Create(Prefix))
        {
            name = ns.Name;
            hostEnd = ns.DeviceName("vh");
            ns.AddBridge(ns.DeviceName("br"));
            ns.AddTap(ns.DeviceName("tap"));
            ns.AddVethPair(ns.DeviceName("vn"), hostEnd, peerNamespace: null);
            ns.StartProcess("sleep", "600");
            Assert.True(NetworkNamespace.Exists(name));
            Assert.True(HostCommand.Run("ip", "link", "show", "dev", hostEnd).Succeeded);
        }

        Assert.False(NetworkNamespace.Exists(name), "namespace left behind: " + name);
        Assert.False(HostCommand.Run("ip", "link", "show", "dev", hostEnd).Succeeded, "host veth end left behind: " + hostEnd);
    }

    [RootFact]
    public void DeviceName_PrefixRoleId_UniquePerNamespaceAndShortEnough()
    {
        using NetworkNamespace a = NetworkNamespace.Create(Prefix);
        using NetworkNamespace b = NetworkNamespace.Create(Prefix);

        Assert.NotEqual(a.DeviceName("tap"), b.DeviceName("tap"));
        Assert.True(new[] { a.DeviceName("tap"), a.Name }.All(n => n.StartsWith(Prefix)));
        Assert.True(a.DeviceName("tap").Length <= 15);
    }
}
