using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.Demo.Recovery;

/// <summary>
/// Where the VM meets the manager. As root: a network namespace "demo*" with a bridge and the VM's tap, the
/// manager on the bridge, broadcast delivery (the deployment shape). Not root: QEMU user-mode networking; the
/// manager listens on the host loopback, which the guest reaches through slirp's gateway 10.0.2.2, and serves
/// unicast (slirp forwards no broadcasts); the VM asks the manager only (<c>uefirecovery.discovery=manager</c>),
/// because slirp answers the broadcast copy of a REQUEST from 127.0.0.1, an address the VM rightly drops.
/// Disposing removes the namespace and its devices.
/// </summary>
public sealed class DemoNetwork : IDisposable
{
    private const string NamespaceSubnet = "10.215.0";
    private const int ManagerPort = 40123;

    /// <summary>The VM's address on the namespace network (a Linux guest's kernel command line names it before the network exists).</summary>
    public const string NamespaceVmAddress = NamespaceSubnet + ".20/24";

    private readonly NetworkNamespace? _namespace;

    public bool UsesNamespace => _namespace != null;

    /// <summary>One sentence for the console: which path and why.</summary>
    public string Description { get; }

    public string? NamespaceName => _namespace?.Name;

    /// <summary>The namespace (root), for a capture on <see cref="Bridge"/>; null with user-mode networking.</summary>
    public NetworkNamespace? Namespace => _namespace;

    /// <summary>The bridge the manager and the VM's tap sit on (root), else null.</summary>
    public string? Bridge { get; }

    public string ManagerListen { get; }

    /// <summary>The manager's delivery options (<c>--delivery ...</c>).</summary>
    public IReadOnlyList<string> DeliveryArguments { get; }

    /// <summary>Manager address as the VM sees it (<c>uefirecovery.manager</c>).</summary>
    public string ManagerForVm { get; }

    /// <summary>The VM's static address (<c>uefirecovery.ip</c>).</summary>
    public string VmAddress { get; }

    public NicSetup Nic { get; }

    public IReadOnlyList<string> ExtraQemuArguments { get; }

    /// <summary>OEM strings this network needs in the VM besides the address and manager (e.g. the discovery mode).</summary>
    public IReadOnlyList<string> ExtraOemStrings { get; }

    private DemoNetwork(NetworkNamespace? ns, string? bridge, string description, string managerListen, IReadOnlyList<string> delivery,
        string managerForVm, string vmAddress, NicSetup nic, IReadOnlyList<string> extraQemuArguments, IReadOnlyList<string> extraOemStrings)
    {
        ExtraOemStrings = extraOemStrings;
        _namespace = ns;
        Bridge = bridge;
        Description = description;
        ManagerListen = managerListen;
        DeliveryArguments = delivery;
        ManagerForVm = managerForVm;
        VmAddress = vmAddress;
        Nic = nic;
        ExtraQemuArguments = extraQemuArguments;
    }

    /// <summary>The namespace path when possible, else user-mode networking; <paramref name="forceUserMode"/> skips the namespace.</summary>
    public static DemoNetwork Create(bool forceUserMode, string macAddress, string capturePath)
    {
        string? unavailable = forceUserMode ? "--user-net was given" : NetworkNamespace.UnavailableReason();
        if (unavailable == null)
        {
            NetworkNamespace ns = NetworkNamespace.Create("demo");
            try
            {
                string host = NamespaceSubnet + ".1";
                string bridge = ns.AddBridge(ns.DeviceName("br"), host + "/24");
                string tap = ns.AddTap(ns.DeviceName("tap"), bridge);
                return new DemoNetwork(ns, bridge,
                    $"root: network namespace {ns.Name}, bridge {bridge} ({host}/24), VM tap {tap}; the manager serves BROADCAST on the bridge",
                    host + ":" + ManagerPort,
                    new[] { "--delivery", "broadcast", "--destination", NamespaceSubnet + ".255" },
                    host + ":" + ManagerPort, NamespaceVmAddress,
                    NicSetup.Tap(tap, NicModel.VirtioNetOvmfDriver), Array.Empty<string>(), Array.Empty<string>());
            }
            catch
            {
                ns.Dispose();
                throw;
            }
        }

        // Host loopback is shared with whatever else runs here (other managers), so take a free UDP port.
        int port = FreeLoopbackUdpPort();
        // NicSetup.User is restrict=on, which also cuts the guest off from the host; the manager is on the host,
        // so the netdev is spelled out here. The app sends only to the configured manager (10.0.2.2 = host loopback).
        // "-nic none" (NicSetup.None) only drops QEMU's default NIC; the explicit netdev/device below still attach.
        return new DemoNetwork(null, null,
            (forceUserMode ? "user-mode networking requested (--user-net): " : $"NOT root ({unavailable}): no namespace or tap possible, so ") +
            "QEMU user-mode networking (slirp) is used; " +
            $"the manager listens on 127.0.0.1:{port}, the VM reaches it as 10.0.2.2:{port}, delivery UNICAST (slirp forwards no broadcast). " +
            "The VM asks the manager only (uefirecovery.discovery=manager): slirp would pass the answer to a broadcast copy of the " +
            "REQUEST on with source 127.0.0.1, which the VM's stack rightly drops, and discovery would take up to a minute and more",
            "127.0.0.1:" + port,
            new[] { "--delivery", "unicast" },
            "10.0.2.2:" + port, "10.0.2.15/24",
            NicSetup.None,
            new[]
            {
                "-netdev", "user,id=net0,net=10.0.2.0/24,host=10.0.2.2,restrict=off",
                "-device", $"virtio-net-pci,netdev=net0,mac={macAddress},romfile=",
                // Every frame the guest sends and receives, to see what slirp delivers.
                "-object", $"filter-dump,id=demodump,netdev=net0,file={capturePath}",
            },
            new[] { "uefirecovery.discovery=manager" });
    }

    private static int FreeLoopbackUdpPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    /// <summary>The command that starts <paramref name="fileName"/> where the manager belongs (inside the namespace as root).</summary>
    public (string FileName, List<string> Arguments) Wrap(string fileName, IEnumerable<string> arguments)
    {
        var list = new List<string>();
        if (_namespace == null)
        {
            list.AddRange(arguments);
            return (fileName, list);
        }
        list.AddRange(new[] { "netns", "exec", _namespace.Name, fileName });
        list.AddRange(arguments);
        return ("ip", list);
    }

    public void Dispose() => _namespace?.Dispose();
}
