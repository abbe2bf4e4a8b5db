using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.QemuTests.Network;
using UefiRecovery.Testbed;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;
using UefiRecovery.Testbed.Tools;

namespace UefiRecovery.QemuTests.Hostile;

/// <summary>
/// One netdiag boot on a tap in a throwaway namespace ("hst" prefix): a bridge holding the host's
/// address, the tap on it, optionally dnsmasq, and the app in QEMU (x64 unless the lab is made for arm64).
/// Used by the hostile-frame test and the receive benchmark. Dispose kills QEMU (if still running) and deletes the namespace.
/// </summary>
public sealed class NetDiagLab : IAsyncDisposable
{
    public const string Mac = QemuMachineOptions.DefaultMacAddress;

    /// <summary>The bridge's (host's) MAC, locally administered.</summary>
    public const string HostMac = "02:00:00:21:40:01";

    /// <summary>OVMF under TCG on a loaded 2-core host can take minutes to reach READY.</summary>
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(6);

    private readonly List<NamespaceProcess> _peers = new();

    private NetDiagLab(NetworkNamespace ns, string subnet, string bridge, string tap, string runDirectory, QemuArch arch)
    {
        Arch = arch;
        Namespace = ns;
        Subnet = subnet;
        Bridge = bridge;
        Tap = tap;
        RunDirectory = runDirectory;
    }

    /// <summary>The machine's architecture: x64 in OVMF, arm64 in AAVMF.</summary>
    public QemuArch Arch { get; }

    public NetworkNamespace Namespace { get; }

    /// <summary>First three octets, e.g. "10.214.0".</summary>
    public string Subnet { get; }

    public string HostAddress => Subnet + ".1";

    public string Bridge { get; }

    public string Tap { get; }

    public string RunDirectory { get; }

    public QemuRun? Run { get; private set; }

    /// <summary>The app's address from its READY line.</summary>
    public string AppAddress { get; private set; } = "";

    /// <summary>Namespace, bridge (host address .1), tap; both at <paramref name="mtu"/> so oversized frames can be sent. <paramref name="arch"/> null: x64.</summary>
    public static NetDiagLab Create(string label, string subnet, int mtu = 1500, QemuArch? arch = null)
    {
        NetworkNamespace ns = NetworkNamespace.Create("hst");
        try
        {
            // No IPv6 chatter (router solicitations, MLD) on the test network.
            ns.ExecChecked("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
            string bridge = ns.AddBridge(ns.DeviceName("br"), subnet + ".1/24");
            // A fixed host MAC: the hostile frames carry it, so the same seed gives byte-identical frames.
            ns.ExecChecked("ip", "link", "set", bridge, "address", HostMac);
            string tap = ns.AddTap(ns.DeviceName("tap"), bridge);
            if (mtu != 1500)
            {
                ns.ExecChecked("ip", "link", "set", tap, "mtu", mtu.ToString());
                ns.ExecChecked("ip", "link", "set", bridge, "mtu", mtu.ToString());
            }
            return new NetDiagLab(ns, subnet, bridge, tap, TestEnvironment.NewRunDirectory(label), arch ?? QemuArch.X64);
        }
        catch
        {
            ns.Dispose();
            throw;
        }
    }

    /// <summary>dnsmasq on the bridge: pool .50-.99, 600 s leases, the given router.</summary>
    public NamespaceProcess StartDnsmasq(string router)
    {
        NamespaceProcess dnsmasq = Namespace.StartProcess("dnsmasq",
            "--no-daemon", "--conf-file=/dev/null", "--port=0", "--no-ping", "--log-dhcp",
            "--interface=" + Bridge, "--bind-interfaces",
            "--pid-file=" + Path.Combine(RunDirectory, "dnsmasq.pid"),
            "--dhcp-leasefile=" + Path.Combine(RunDirectory, "dnsmasq.leases"),
            $"--dhcp-range={Subnet}.50,{Subnet}.99,255.255.255.0,600",
            "--dhcp-option=3," + router);
        _peers.Add(dnsmasq);
        return dnsmasq;
    }

    public NamespaceProcess StartPeer(string fileName, params string[] arguments)
    {
        NamespaceProcess peer = Namespace.StartProcess(fileName, arguments);
        _peers.Add(peer);
        return peer;
    }

    /// <summary>Boots netdiag with <paramref name="extraOemStrings"/> and waits for READY (null: FAIL line or none in time).</summary>
    public async Task<SerialLine?> BootUntilReadyAsync(NicModel model, int netdiagTimeoutSeconds, TimeSpan qemuTimeout,
        params string[] extraOemStrings)
    {
        var oem = new List<string> { NetDiagConsole.ModeOemString, EfiAppConsole.DebugExitOemString, NetDiagConsole.TimeoutOemString(netdiagTimeoutSeconds) };
        oem.AddRange(extraOemStrings);
        var machine = new QemuMachine(new QemuMachineOptions
        {
            Arch = Arch,
            BootDisk = new EspBuilder().WithBootApplication(EfiAppBinary.Require(Arch), Arch.EspBootPath).BuildFolder(Path.Combine(RunDirectory, "esp")),
            RunDirectory = RunDirectory,
            Nic = NicSetup.Tap(Tap, model),
            MacAddress = Mac,
            NetworkNamespace = Namespace.Name,
            OemStrings = oem,
            Timeout = qemuTimeout,
        });
        Run = machine.Start();
        SerialLine? line = await Run.Serial.WaitForLineAsync(new Regex("^NETDIAG (READY|FAIL) "), ReadyTimeout);
        if (line == null || !NetDiagConsole.Ready.IsMatch(line.Text))
        {
            return null;
        }
        AppAddress = NetDiagConsole.Ready.Match(line.Text).Groups["ip"].Value;
        return line;
    }

    /// <summary>Runs a command in the namespace with a bound of <paramref name="timeout"/>.</summary>
    public HostCommandResult Exec(TimeSpan timeout, params string[] command)
    {
        var arguments = new List<string> { "netns", "exec", Namespace.Name };
        arguments.AddRange(command);
        return HostCommand.Run(HostTools.RequirePath(HostTool.Ip), arguments, timeout);
    }

    /// <summary>Path of a script kept in qemu-tests/Hostile/scripts (read from the source tree).</summary>
    public static string Script(string fileName) =>
        Path.Combine(TestEnvironment.Repo.Root, "qemu-tests", "Hostile", "scripts", fileName);

    /// <summary>Null when Debian's scapy imports under /usr/bin/python3; otherwise what is missing.</summary>
    public static string? ScapyUnavailableReason()
    {
        if (!File.Exists("/usr/bin/python3"))
        {
            return "/usr/bin/python3 is missing (Debian package python3)";
        }
        HostCommandResult probe = HostCommand.Run("/usr/bin/python3", "-c", "import scapy.all");
        return probe.Succeeded ? null : "scapy does not import under /usr/bin/python3 (Debian package python3-scapy): " + probe.StandardError;
    }

    /// <summary>Everything the peers printed, for failure messages.</summary>
    public string PeerOutput()
    {
        var text = new System.Text.StringBuilder();
        foreach (NamespaceProcess peer in _peers)
        {
            text.Append("\n--- ").Append(peer.CommandLine).Append('\n').Append(peer.Output);
        }
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        if (Run != null)
        {
            await Run.DisposeAsync();
        }
        foreach (NamespaceProcess peer in _peers)
        {
            peer.Dispose();
        }
        Namespace.Dispose();
    }
}
