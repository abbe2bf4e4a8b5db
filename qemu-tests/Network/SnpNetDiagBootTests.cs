using System;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;
using Xunit;

namespace UefiRecovery.QemuTests.Network;

/// <summary>
/// uefirecovery.mode=netdiag on a tap in a test namespace, with real peers: dnsmasq leases an address
/// (option 43 carrying the manager address), the Linux kernel pings the app and talks UDP echo to it.
/// Each NIC setup exercises a different SNP producer: OVMF's VirtioNetDxe, and iPXE's SNP on
/// virtio-net and on e1000; on arm64, AAVMF's VirtioNetDxe (QEMU's iPXE option ROMs are x86 code, so virtio-net
/// with iPXE and e1000 exist on x64 only). Needs root; otherwise reported as skipped with the reason.
/// </summary>
public sealed class SnpNetDiagBootTests
{
    private const string Subnet = "10.213.0";
    private const string HostAddress = Subnet + ".1";
    private const string Mac = QemuMachineOptions.DefaultMacAddress;
    private const int ManagerPort = 50000;

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(5);

    [RootTheory]
    [InlineData("x64", NicModel.VirtioNetOvmfDriver)]
    [InlineData("x64", NicModel.VirtioNetIpxe)]
    [InlineData("x64", NicModel.E1000)]
    [InlineData("arm64", NicModel.VirtioNetOvmfDriver)]
    public async Task NetDiag_DnsmasqOnTap_LeasePingAndUdpEchoAnswered(string arch, NicModel model)
    {
        QemuArch machineArch = QemuArch.Parse(arch);
        using NetworkNamespace ns = NetworkNamespace.Create("snp");
        string bridge = ns.AddBridge(ns.DeviceName("br"), HostAddress + "/24");
        string tap = ns.AddTap(ns.DeviceName("tap"), bridge);
        string runDirectory = TestEnvironment.NewRunDirectory("snp-netdiag-" + model + (arch == "x64" ? "" : "-" + arch));
        string leaseFile = Path.Combine(runDirectory, "dnsmasq.leases");
        using NamespaceProcess dnsmasq = ns.StartProcess("dnsmasq",
            "--no-daemon", "--conf-file=/dev/null", "--port=0", "--no-ping", "--log-dhcp",
            "--interface=" + bridge, "--bind-interfaces",
            "--pid-file=" + Path.Combine(runDirectory, "dnsmasq.pid"),
            "--dhcp-leasefile=" + leaseFile,
            $"--dhcp-range={Subnet}.50,{Subnet}.99,255.255.255.0,600",
            "--dhcp-option=3," + HostAddress,
            // docs/netstack.md, option 43: sub-option 1 manager address, 2 manager port (50000 = c3:50).
            "--dhcp-option=vendor:UefiRecovery,1," + HostAddress,
            "--dhcp-option=vendor:UefiRecovery,2,c3:50");
        using NamespaceProcess capture = ns.StartProcess("tcpdump", "-l", "-n", "-e", "-i", bridge, "not", "ip6");

        var machine = new QemuMachine(new QemuMachineOptions
        {
            Arch = machineArch,
            BootDisk = new EspBuilder().WithBootApplication(EfiAppBinary.Require(machineArch), machineArch.EspBootPath)
                .BuildFolder(Path.Combine(runDirectory, "esp")),
            RunDirectory = runDirectory,
            Nic = NicSetup.Tap(tap, model),
            MacAddress = Mac,
            NetworkNamespace = ns.Name,
            // Ended by a key press below; the timeout only bounds a run whose key got lost.
            OemStrings = new[] { NetDiagConsole.ModeOemString, EfiAppConsole.DebugExitOemString, NetDiagConsole.TimeoutOemString(600) },
            Timeout = TimeSpan.FromMinutes(8),
        });
        await using QemuRun run = machine.Start();
        SerialLine? ready = await WaitForReadyOrFailAsync(run);
        if (ready == null)
        {
            QemuExit early = await run.KillAsync();
            BootAssert.Fail(early, "no 'NETDIAG READY' line" + NoModeHint(run) + Peers(dnsmasq, capture));
        }
        string address = NetDiagConsole.Ready.Match(ready.Text).Groups["ip"].Value;

        HostCommandResult ping = ns.Exec("ping", "-c", "20", "-i", "0.2", "-W", "2", address);
        // Full-size frames (1400 + 28 + 14 bytes) back to back: MTU handling and TX buffer recycling.
        HostCommandResult bigPing = ns.Exec("ping", "-c", "100", "-i", "0.02", "-s", "1400", "-W", "2", address);
        string payload = "snp-echo-" + Guid.NewGuid().ToString("N");
        HostCommandResult echo = ns.Exec("/usr/bin/python3", "-c", UdpEchoScript, address, payload);

        await run.SendAsync("q");
        SerialLine? done = await run.Serial.WaitForLineAsync(NetDiagConsole.Done, TimeSpan.FromMinutes(1));
        QemuExit exit = await run.WaitForExitAsync();
        string peers = Peers(dnsmasq, capture) + $"\nping: {ping}\nbig ping: {bigPing}\nudp echo: {echo}";

        SerialLine? nic = run.Serial.Find(NetDiagConsole.Nic);
        BootAssert.NotNull(nic, exit, "NETDIAG NIC line");
        Match nicFields = NetDiagConsole.Nic.Match(nic!.Text);
        BootAssert.True(nicFields.Groups["mac"].Value == Mac, exit, "NIC MAC is not the fixed " + Mac);
        BootAssert.True(nicFields.Groups["mtu"].Value == "1500", exit, "NIC MTU is not 1500");
        BootAssert.True(nicFields.Groups["driver"].Value == NetDiagConsole.ExpectedDriver(model), exit,
            $"SNP producer is not '{NetDiagConsole.ExpectedDriver(model)}'");
        BootAssert.True(nic.Text.EndsWith(" nics=1", StringComparison.Ordinal), exit,
            "one NIC expected (PxeBc's SNP handles are aliases of the NIC's interface)");
        BootAssert.True(nicFields.Groups["displaced"].Value.Contains("MNP", StringComparison.Ordinal), exit,
            "the exclusive open did not displace MnpDxe");

        SerialLine? lease = run.Serial.Find(NetDiagConsole.Lease);
        BootAssert.NotNull(lease, exit, "NETDIAG LEASE line" + peers);
        Match leaseFields = NetDiagConsole.Lease.Match(lease!.Text);
        BootAssert.True(leaseFields.Groups["ip"].Value == address, exit, "READY address differs from the lease");
        BootAssert.True(IsInPool(address), exit, "leased address outside dnsmasq's range: " + address);
        BootAssert.True(leaseFields.Groups["mask"].Value == "255.255.255.0", exit, "lease mask");
        BootAssert.True(leaseFields.Groups["router"].Value == HostAddress, exit, "lease router");
        BootAssert.True(leaseFields.Groups["server"].Value == HostAddress, exit, "lease server");
        BootAssert.True(leaseFields.Groups["lease"].Value == "600", exit, "lease time");
        BootAssert.True(leaseFields.Groups["manager"].Value == $"{HostAddress}:{ManagerPort}", exit, "manager from option 43");
        string leases = File.Exists(leaseFile) ? File.ReadAllText(leaseFile) : "";
        BootAssert.True(leases.Contains(Mac, StringComparison.Ordinal) && leases.Contains(address, StringComparison.Ordinal), exit,
            "dnsmasq's lease file does not record our MAC and address:\n" + leases);

        SerialLine? manager = run.Serial.Find(NetDiagConsole.Manager);
        BootAssert.NotNull(manager, exit, "NETDIAG MANAGER line");
        Match managerFields = NetDiagConsole.Manager.Match(manager!.Text);
        BootAssert.True(managerFields.Groups["source"].Value == "dhcp", exit, "manager source is not the DHCP option");
        BootAssert.True(managerFields.Groups["arp"].Value == "answered" && managerFields.Groups["ping"].Value == "answered", exit,
            "the manager host (the namespace's bridge address) did not answer ARP and ping" + peers);

        int received = PingReceived(ping.StandardOutput);
        BootAssert.True(received >= 19, exit, $"Linux ping got {received}/20 replies" + peers);
        int bigReceived = PingReceived(bigPing.StandardOutput);
        BootAssert.True(bigReceived >= 95, exit, $"Linux ping -s 1400 got {bigReceived}/100 replies" + peers);
        BootAssert.True(echo.Succeeded && echo.StandardOutput.Trim() == payload + " 7", exit,
            "UDP echo round trip failed" + peers);

        BootAssert.SentinelAndExitCode(exit, done, "'NETDIAG DONE'", DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
        BootAssert.True(NetDiagConsole.Done.Match(done!.Text).Groups["reason"].Value == "key", exit, "netdiag did not end on the key press");
        SerialLine? stats = run.Serial.Find(NetDiagConsole.Stats);
        BootAssert.NotNull(stats, exit, "NETDIAG STATS line");
        Match statsFields = NetDiagConsole.Stats.Match(stats!.Text);
        BootAssert.True(int.Parse(statsFields.Groups["echo"].Value) >= received + bigReceived, exit, "app counted fewer echo replies than Linux received");
        BootAssert.True(int.Parse(statsFields.Groups["udp"].Value) >= 1, exit, "app counted no UDP echo");
        BootAssert.True(run.Serial.Find(NetDiagConsole.Fail) == null && run.Serial.Find(EfiAppConsole.AnyFailFastLine) == null, exit,
            "a NETDIAG FAIL or fail-fast line");
    }

    /// <summary>
    /// Static configuration from OEM strings (no DHCP server at all), a configured manager, and the
    /// timeout ending the run: the app pings from its static address and stops by itself with success.
    /// </summary>
    [RootFact]
    public async Task NetDiag_StaticAddressAndTimeout_AnswersPingThenStopsBySelf()
    {
        using NetworkNamespace ns = NetworkNamespace.Create("snp");
        string bridge = ns.AddBridge(ns.DeviceName("br"), HostAddress + "/24");
        string tap = ns.AddTap(ns.DeviceName("tap"), bridge);
        using NamespaceProcess capture = ns.StartProcess("tcpdump", "-l", "-n", "-e", "-i", bridge, "not", "ip6");
        string runDirectory = TestEnvironment.NewRunDirectory("snp-netdiag-static");
        string staticAddress = Subnet + ".7";

        var machine = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = new EspBuilder().WithBootApplication(EfiAppBinary.Require()).BuildFolder(Path.Combine(runDirectory, "esp")),
            RunDirectory = runDirectory,
            Nic = NicSetup.Tap(tap, NicModel.VirtioNetOvmfDriver),
            NetworkNamespace = ns.Name,
            OemStrings = new[]
            {
                NetDiagConsole.ModeOemString, EfiAppConsole.DebugExitOemString, NetDiagConsole.TimeoutOemString(20),
                $"uefirecovery.ip={staticAddress}/24", "uefirecovery.gateway=" + HostAddress,
                $"uefirecovery.manager={HostAddress}:{ManagerPort}",
                "uefirecovery.colour=blue",   // unknown key: reported, ignored
            },
            Timeout = TimeSpan.FromMinutes(6),
        });
        await using QemuRun run = machine.Start();
        SerialLine? ready = await WaitForReadyOrFailAsync(run);
        HostCommandResult? ping = ready == null ? null : ns.Exec("ping", "-c", "5", "-i", "0.2", "-W", "2", staticAddress);
        QemuExit exit = await run.WaitForExitAsync();
        string peers = "\ntcpdump on the bridge:\n" + capture.Output + $"\nping: {ping}";

        BootAssert.True(run.Serial.Find(NetDiagConsole.Begin) != null, exit, "no 'NETDIAG BEGIN' line" + NoModeHint(run));
        BootAssert.NotNull(run.Serial.Find(new Regex("^CONFIG rejected source=smbios entry=\"uefirecovery.colour=blue\" reason=\"unknown uefirecovery. key\"$")),
            exit, "the unknown key was not reported");
        SerialLine? staticLine = run.Serial.Find(NetDiagConsole.Static);
        BootAssert.NotNull(staticLine, exit, "NETDIAG STATIC line");
        BootAssert.True(staticLine!.Text == $"NETDIAG STATIC ip={staticAddress} mask=255.255.255.0 router={HostAddress}", exit, "static settings");
        SerialLine? manager = run.Serial.Find(NetDiagConsole.Manager);
        BootAssert.NotNull(manager, exit, "NETDIAG MANAGER line");
        Match managerFields = NetDiagConsole.Manager.Match(manager!.Text);
        BootAssert.True(managerFields.Groups["source"].Value == "config" && managerFields.Groups["port"].Value == ManagerPort.ToString(), exit,
            "manager not taken from uefirecovery.manager");
        BootAssert.True(managerFields.Groups["ping"].Value == "answered", exit, "manager did not answer ping" + peers);
        BootAssert.NotNull(ready, exit, "NETDIAG READY line");
        BootAssert.True(ping != null && PingReceived(ping.StandardOutput) >= 4, exit, "Linux ping of the static address" + peers);

        SerialLine? done = run.Serial.Find(NetDiagConsole.Done);
        BootAssert.SentinelAndExitCode(exit, done, "'NETDIAG DONE'", DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
        BootAssert.True(done!.Text == "NETDIAG DONE reason=timeout", exit, "netdiag did not end by its timeout");
    }

    /// <summary>Sends argv[2] to argv[1]:7 and prints the reply and its source port (RFC 862 echo).</summary>
    private const string UdpEchoScript =
        "import socket, sys\n" +
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n" +
        "s.settimeout(3)\n" +
        "for attempt in range(3):\n" +
        "    s.sendto(sys.argv[2].encode(), (sys.argv[1], 7))\n" +
        "    try:\n" +
        "        data, source = s.recvfrom(2048)\n" +
        "        print(data.decode(), source[1])\n" +
        "        sys.exit(0)\n" +
        "    except socket.timeout:\n" +
        "        pass\n" +
        "sys.exit('no echo reply')\n";

    private static async Task<SerialLine?> WaitForReadyOrFailAsync(QemuRun run)
    {
        var readyOrFail = new Regex("^NETDIAG (READY|FAIL) ");
        SerialLine? line = await run.Serial.WaitForLineAsync(readyOrFail, ReadyTimeout);
        return line != null && NetDiagConsole.Ready.IsMatch(line.Text) ? line : null;
    }

    // The shared artifacts/efi image is also built with -p:IncludePortable=false, which leaves netdiag out.
    private static string NoModeHint(QemuRun run) =>
        run.Serial.Find(NetDiagConsole.Begin) == null
            ? $" (no 'NETDIAG BEGIN' either: does {EfiAppBinary.Path} include netdiag? It is left out by -p:IncludePortable=false)"
            : "";

    private static bool IsInPool(string address)
    {
        string[] parts = address.Split('.');
        return address.StartsWith(Subnet + ".", StringComparison.Ordinal) && parts.Length == 4 &&
            int.TryParse(parts[3], out int host) && host >= 50 && host <= 99;
    }

    private static int PingReceived(string output)
    {
        Match m = Regex.Match(output, @"(\d+) packets transmitted, (\d+) received");
        return m.Success ? int.Parse(m.Groups[2].Value) : 0;
    }

    private static string Peers(NamespaceProcess dnsmasq, NamespaceProcess capture) =>
        "\ndnsmasq:\n" + dnsmasq.Output + "\ntcpdump on the bridge:\n" + capture.Output;
}
