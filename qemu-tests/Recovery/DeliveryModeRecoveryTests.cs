using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// The two other delivery modes of docs/protocol.md §5.3 in OVMF with the real manager (broadcast is
/// RecoveryEndToEndTests): an interrupted region recovered byte-exact, RESULT success in the result log,
/// and the wire checked with tcpdump on the machine's tap (what the bridge actually handed the machine).
/// Multicast: the manager runs in its own namespace behind a bridge port (multicast the bridge device sends
/// itself is flooded whatever the snooping table says), with its default route on a decoy interface; the
/// bridge snoops IGMP as querier and floods no unregistered multicast to the tap. A control probe to the
/// group before the machine joins must not reach the tap, so the DATA that does reach it came through the
/// app's own IGMPv2 join (netstack), and the manager sent it on the <c>--listen</c> interface.
/// </summary>
public sealed class DeliveryModeRecoveryTests
{
    private const int FragmentCount = 379;

    /// <summary>The control probe's port (not the protocol's) and count, sent to the group before the machine joins.</summary>
    private const int ProbePort = 40999;
    private const int ProbeCount = 5;
    private const string MachineAddress = E2eRecoveryLab.MachineAddress;
    private static readonly TimeSpan MachineTimeout = TimeSpan.FromMinutes(12);

    private readonly ITestOutputHelper _output;

    public DeliveryModeRecoveryTests(ITestOutputHelper output) => _output = output;

    [RootFact]
    public async Task Recover_MulticastDeliveryThroughSnoopingBridge_VarsEqualPayloadIgmpJoinDataToGroupOnly()
    {
        string group = E2eRecoveryLab.MulticastGroup;
        string groupPattern = Regex.Escape(group);
        var lab = new Run("e2e-multicast", serve => serve with { Delivery = "multicast", Destination = group, MulticastTtl = 1 }, managerBehindPort: true);
        string groupTable = "";
        await lab.RecoverAsync(_output, "multicast", async (ns, tap, stop) =>
        {
            // The bridge's group table while the machine runs: its tap must appear as a member of the group.
            while (!stop.IsCancellationRequested)
            {
                string table = E2eRecoveryLab.MulticastGroupTable(ns);
                if (table.Contains(tap, StringComparison.Ordinal) && table.Contains(group, StringComparison.Ordinal))
                {
                    groupTable = table;
                    return;
                }
                try
                {
                    await Task.Delay(250, stop);
                }
                catch (TaskCanceledException)
                {
                    return;
                }
            }
        });
        lab.AssertRecovered();
        // The control: the probe to the group entered the bridge from the manager's port, and the bridge kept it
        // from the machine's tap (no member yet, no unregistered flooding).
        IReadOnlyList<string> probeSent = Tcpdump.Summaries(lab.PortPcap, $"udp and dst host {group} and dst port {ProbePort}");
        IReadOnlyList<string> probeAtTap = Tcpdump.Summaries(lab.Pcap, $"udp and dst port {ProbePort}");
        _output.WriteLine($"control probe: {probeSent.Count} sent into the bridge, {probeAtTap.Count} at the machine's tap");
        Assert.True(probeSent.Count == ProbeCount, $"the control probe did not enter the bridge ({probeSent.Count} of {ProbeCount} seen on the manager's port)");
        Assert.True(probeAtTap.Count == 0, "multicast reached the tap before the machine joined: the bridge floods, the test would prove nothing");
        _output.WriteLine("bridge group table with the machine's membership:\n" + groupTable);
        Assert.True(groupTable.Length > 0, $"the bridge never listed the tap as a member of {group} (no IGMP join seen by snooping)");

        // On the tap: the machine's IGMPv2 report for the group, and the DATA to the group from the manager's address.
        IReadOnlyList<string> reports = Tcpdump.Summaries(lab.Pcap, $"igmp and src host {MachineAddress}");
        _output.WriteLine("IGMP from the machine:\n" + string.Join("\n", reports));
        Assert.Contains(reports, line => Regex.IsMatch(line, $@"igmp v2 report {groupPattern}"));
        // And it leaves the group once its RESULT is acknowledged (RFC 2236 §3: Leave to all-routers).
        Assert.Contains(reports, line => Regex.IsMatch(line, $@"> 224\.0\.0\.2: igmp leave {groupPattern}"));
        BootAssert.NotNull(lab.Serial!.Find(new Regex($@"^RECOVERY MULTICAST left group={groupPattern} leave=sent$")), lab.Exit!, "the group left on the console");
        IReadOnlyList<string> groupData = Tcpdump.Summaries(lab.Pcap,
            $"udp and src host {E2eRecoveryLab.HostAddress} and dst host {group} and dst port 40124");
        IReadOnlyList<string> otherData = Tcpdump.Summaries(lab.Pcap,
            $"udp and src host {E2eRecoveryLab.HostAddress} and dst port 40124 and not dst host {group}");
        _output.WriteLine($"datagrams to the group at the tap: {groupData.Count}; other datagrams to port 40124: {otherData.Count}\n"
            + string.Join("\n", otherData));
        Assert.True(groupData.Count >= FragmentCount, $"only {groupData.Count} datagrams to {group} reached the tap for a {FragmentCount}-fragment image");
        // Unicast to the machine is only the OFFER, RESULT_ACK and targeted STATUS_REQUESTs: far fewer than an image.
        Assert.True(otherData.Count < FragmentCount / 10, $"{otherData.Count} non-group datagrams to port 40124: DATA was not (only) multicast");
        // TTL 1 (--ttl 1): the group traffic stays on the segment.
        IReadOnlyList<string> verbose = Tcpdump.IpHeaderLines(lab.Pcap, $"udp and dst host {group}", 5);
        Assert.NotEmpty(verbose);
        Assert.All(verbose, line => Assert.Contains("ttl 1,", line, StringComparison.Ordinal));
        // The manager's namespace routes by default through the decoy interface: nothing of the group went there.
        IReadOnlyList<string> decoy = Tcpdump.Summaries(lab.DecoyPcap, $"udp and dst host {group}");
        _output.WriteLine($"datagrams to the group on the decoy (default-route) interface: {decoy.Count}");
        Assert.True(decoy.Count == 0, $"{decoy.Count} group datagrams left on the default-route interface, not the --listen one");
    }

    [RootFact]
    public async Task Recover_UnicastDelivery_VarsEqualPayloadDataToMachineAddressOnly()
    {
        var lab = new Run("e2e-unicast", serve => serve with { Delivery = "unicast", Destination = null }, managerBehindPort: false);
        await lab.RecoverAsync(_output, "unicast", (_, _, _) => Task.CompletedTask);
        lab.AssertRecovered();

        IReadOnlyList<string> toMachine = Tcpdump.Summaries(lab.Pcap,
            $"udp and src host {E2eRecoveryLab.HostAddress} and dst host {MachineAddress} and dst port 40124");
        IReadOnlyList<string> toMany = Tcpdump.Summaries(lab.Pcap,
            $"udp and src host {E2eRecoveryLab.HostAddress} and dst port 40124 and (broadcast or multicast)");
        _output.WriteLine($"datagrams to {MachineAddress}:40124 at the tap: {toMachine.Count}; broadcast/multicast to 40124: {toMany.Count}");
        Assert.True(toMachine.Count >= FragmentCount, $"only {toMachine.Count} datagrams to the machine for a {FragmentCount}-fragment image");
        Assert.True(toMany.Count == 0, "broadcast or multicast datagrams to port 40124 in unicast mode:\n" + string.Join("\n", toMany));
    }

    /// <summary>
    /// One machine, one bridge, one manager with the lab's <c>serve</c> changed by <c>delivery</c>; what it produced. The manager
    /// runs on the bridge's own address, or (<c>managerBehindPort</c>) in its own namespace behind a bridge
    /// port with a decoy default route, and the bridge snoops IGMP with no unregistered flooding to the tap.
    /// </summary>
    private sealed class Run
    {
        private readonly string _name;
        private readonly Func<ServeArguments, ServeArguments> _delivery;
        private readonly bool _managerBehindPort;
        private E2eRecoveryFiles? _files;
        private string _managerOutput = "";

        public Run(string name, Func<ServeArguments, ServeArguments> delivery, bool managerBehindPort)
        {
            _name = name;
            _delivery = delivery;
            _managerBehindPort = managerBehindPort;
        }

        /// <summary>Capture on the machine's tap: what the bridge handed the machine, and what it sent.</summary>
        public string Pcap { get; private set; } = "";

        /// <summary>Capture on the bridge port the manager's namespace is attached to (managerBehindPort only).</summary>
        public string PortPcap { get; private set; } = "";

        /// <summary>Capture on the manager's decoy default-route interface (managerBehindPort only).</summary>
        public string DecoyPcap { get; private set; } = "";

        public QemuExit? Exit { get; private set; }

        public SerialLog? Serial { get; private set; }

        public string Mode { get; private set; } = "";

        /// <param name="watch">Runs in the bridge's namespace while the machine runs (cancelled when it exits).</param>
        public async Task RecoverAsync(ITestOutputHelper output, string mode, Func<NetworkNamespace, string, CancellationToken, Task> watch)
        {
            Mode = mode;
            E2eRecoveryFiles files = await E2eRecoveryFiles.CreateAsync(_name);
            _files = files;
            EspImage esp = files.BuildEsp();
            Pcap = Path.Combine(files.RunDirectory, "tap.pcap");
            DecoyPcap = Path.Combine(files.RunDirectory, "decoy.pcap");
            PortPcap = Path.Combine(files.RunDirectory, "manager-port.pcap");

            // Behind a port, the bridge keeps an address of its own on the segment as the IGMP querier's source.
            using E2eSegment segment = E2eSegment.Create(bridgeAddress: _managerBehindPort ? E2eRecoveryLab.Subnet + ".254" : E2eRecoveryLab.HostAddress);
            NetworkNamespace ns = segment.Namespace;
            string bridge = segment.Bridge;
            string tap = segment.Tap;
            DateTime snoopingSince = DateTime.UtcNow;
            NetworkNamespace? managerNs = null;
            NamespaceProcess? decoyCapture = null;
            NamespaceProcess? portCapture = null;
            string decoy = "";
            string managerPort = "";
            if (_managerBehindPort)
            {
                E2eRecoveryLab.EnableSnoopingWithoutUnregisteredFlood(ns, bridge, tap);
                snoopingSince = DateTime.UtcNow;
                managerNs = E2eRecoveryLab.AddManagerBehindPort(ns, bridge, out managerPort, out decoy);
            }
            try
            {
                if (managerNs != null)
                {
                    decoyCapture = await Tcpdump.StartAsync(managerNs, decoy, DecoyPcap);
                    portCapture = await Tcpdump.StartAsync(ns, managerPort, PortPcap);
                }
                using NamespaceProcess capture = await Tcpdump.StartAsync(ns, tap, Pcap);
                using NamespaceProcess manager = await RecoveryManager.ServeAsync(managerNs ?? ns,
                    _delivery(E2eRecoveryLab.Serve(files.Images, files.Results, gatherSeconds: 1)));
                if (_managerBehindPort)
                {
                    // Until the querier has settled the bridge would not use its group table (see QuerierSettle).
                    TimeSpan left = E2eRecoveryLab.QuerierSettle - (DateTime.UtcNow - snoopingSince);
                    if (left > TimeSpan.Zero)
                    {
                        await Task.Delay(left);
                    }
                    // The control: multicast to the group before the machine joined, from the manager's side of the
                    // bridge. It must enter the bridge and must NOT reach the tap; else DATA at the tap would prove nothing.
                    E2eRecoveryLab.SendMulticastProbe(managerNs!, E2eRecoveryLab.HostAddress, E2eRecoveryLab.MulticastGroup, ProbePort, ProbeCount);
                }

                QemuMachine machine = segment.Machine(files.Boot("1-" + mode), esp,
                    E2eRecoveryLab.MachineOemStrings("auto", MachineAddress), MachineTimeout, files.InterruptedVarsPath);
                await using (QemuRun run = machine.Start())
                {
                    using var stop = new CancellationTokenSource();
                    Task watching = watch(ns, tap, stop.Token);
                    Exit = await run.WaitForExitAsync();
                    Serial = run.Serial;
                    stop.Cancel();
                    await watching;
                }
                // tcpdump gets frames from the kernel in blocks (up to 1 s late) and drops a pending block when
                // stopped: the last frames before the exit (RESULT, the IGMP Leave) need this grace.
                await Task.Delay(TimeSpan.FromSeconds(2));
                capture.Stop(TimeSpan.FromSeconds(2));
                decoyCapture?.Stop(TimeSpan.FromSeconds(2));
                portCapture?.Stop(TimeSpan.FromSeconds(2));
                _managerOutput = "\nmanager:\n" + E2eRecoveryLab.SaveManagerLog(files.RunDirectory, manager);
            }
            finally
            {
                decoyCapture?.Dispose();
                portCapture?.Dispose();
                managerNs?.Dispose();
            }
            output.WriteLine(_managerOutput);
            output.WriteLine("result log:\n" + string.Join("\n", E2eRecoveryLab.ResultLines(files.Results)));
        }

        /// <summary>The machine's console, its vars file and the manager's result log all say: recovered.</summary>
        public void AssertRecovered()
        {
            QemuExit exit = Exit!;
            SerialLog serial = Serial!;
            BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY REGION verdict=invalid reason=recovery-in-progress ")), exit, "the invalid verdict");
            BootAssert.NotNull(serial.Find(new Regex($@"^RECOVERY OFFER donor=10\.216\.0\.1:40123 .* fragments={FragmentCount} mode={Mode}$")), exit,
                $"a {Mode} offer" + _managerOutput);
            BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY VERIFIED version=0x00010002 payload=540672 ")), exit, "the verified capsule");
            BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY WRITE recovery=recovered result=success block=-1 written=\d+ erases=\d+ ")),
                exit, "the changed blocks written and read back");
            E2eRecoveryLab.AssertRecovered(exit, serial, _files!.Payload, _files.Results, _managerOutput);
            string[] lines = E2eRecoveryLab.ResultLines(_files.Results);
            Assert.True(lines.Length == 1, "expected one result record:\n" + string.Join("\n", lines));
        }
    }
}
