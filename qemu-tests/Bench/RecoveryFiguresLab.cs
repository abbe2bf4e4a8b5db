using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.QemuTests.Recovery;
using UefiRecovery.Testbed;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;
using UefiRecovery.Testbed.Tools;

namespace UefiRecovery.QemuTests.Bench;

/// <summary>
/// The one network every phase of the recovery figures runs on, so every figure of a NIC setup comes from
/// the same tap: a namespace ("fig" prefix, IPv6 off), a bridge holding the host's address, the tap;
/// dnsmasq as DHCP and TFTP server (PXE boot file = the capsule itself, so TFTP moves the same bytes as
/// the recovery), Debian's <c>python3 -m http.server</c> serving the same folder (<see cref="HttpUrl"/>, for the
/// HTTP source), and the drain probe (scripts/drain_probe.py). Adapters over the e2e helper's
/// <see cref="RecoveryManager"/> (serve with a chosen rate and gather window) live here, not in Recovery/.
/// </summary>
public sealed class RecoveryFiguresLab : IDisposable
{
    public const string Subnet = "10.218.0";
    public const string HostAddress = Subnet + ".1";
    public const string Broadcast = Subnet + ".255";
    public const string RecoveryMachineAddress = Subnet + ".20";
    public const string NetDiagMachineAddress = Subnet + ".7";
    public const string Listen = HostAddress + ":40123";
    public const string BootFileName = "recovery.cap";
    public const int HttpPort = 8080;

    /// <summary>The capsule from the lab's web server: the same file as the TFTP boot file.</summary>
    public const string HttpUrl = "http://" + HostAddress + ":8080/" + BootFileName;

    private readonly NamespaceProcess _dnsmasq;
    private readonly NamespaceProcess _probe;
    private readonly NamespaceProcess _web;

    private RecoveryFiguresLab(NetworkNamespace ns, string bridge, string tap, string runDirectory, NamespaceProcess dnsmasq, NamespaceProcess probe,
        NamespaceProcess web)
    {
        Namespace = ns;
        Bridge = bridge;
        Tap = tap;
        RunDirectory = runDirectory;
        _dnsmasq = dnsmasq;
        _probe = probe;
        _web = web;
    }

    public NetworkNamespace Namespace { get; }
    public string Bridge { get; }
    public string Tap { get; }
    public string RunDirectory { get; }

    /// <summary>Namespace, bridge, tap, dnsmasq (DHCP .50-.99, TFTP serving <paramref name="capsulePath"/>), the web server and the drain probe.</summary>
    public static async Task<RecoveryFiguresLab> CreateAsync(string runDirectory, string capsulePath)
    {
        NetworkNamespace ns = NetworkNamespace.Create("fig");
        try
        {
            ns.ExecChecked("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
            string bridge = ns.AddBridge(ns.DeviceName("br"), HostAddress + "/24");
            string tap = ns.AddTap(ns.DeviceName("tap"), bridge);
            string tftpRoot = Directory.CreateDirectory(Path.Combine(runDirectory, "tftp")).FullName;
            File.Copy(capsulePath, Path.Combine(tftpRoot, BootFileName), overwrite: true);
            NamespaceProcess dnsmasq = ns.StartProcess("dnsmasq",
                "--no-daemon", "--conf-file=/dev/null", "--port=0", "--no-ping", "--log-dhcp", "--log-facility=-",
                "--interface=" + bridge, "--bind-interfaces",
                "--pid-file=" + Path.Combine(runDirectory, "dnsmasq.pid"),
                "--dhcp-leasefile=" + Path.Combine(runDirectory, "dnsmasq.leases"),
                $"--dhcp-range={Subnet}.50,{Subnet}.99,255.255.255.0,600",
                "--enable-tftp", "--tftp-root=" + tftpRoot, "--dhcp-boot=" + BootFileName);
            NamespaceProcess probe = ns.StartProcess("/usr/bin/python3", Script("drain_probe.py"),
                "--iface", bridge, "--app-ip", RecoveryMachineAddress, "--seconds", "3600");
            await probe.WaitForOutputAsync("PROBE ready", TimeSpan.FromSeconds(30));
            NamespaceProcess web = TestWebServers.ServeFolder(ns, HostAddress, HttpPort, tftpRoot);
            return new RecoveryFiguresLab(ns, bridge, tap, runDirectory, dnsmasq, probe, web);
        }
        catch
        {
            ns.Dispose();
            throw;
        }
    }

    /// <summary>
    /// <c>serve</c> for the one recovering machine: <see cref="ServeArguments"/>' defaults (broadcast, trusted EDK2 test key)
    /// with the given pacing (Mbit/s, 0 = unpaced) and gather window (seconds); waits for the "ready" line.
    /// </summary>
    public Task<NamespaceProcess> ServeAsync(string imagesDir, string resultsPath, double rateMbit, double gatherSeconds) =>
        RecoveryManager.ServeAsync(Namespace, new ServeArguments(imagesDir, Listen, resultsPath)
        {
            Destination = Broadcast,
            RateMbit = rateMbit,
            GatherSeconds = gatherSeconds,
            Name = "figures",
        });

    /// <summary>The recovering machine: the end-to-end machine's settings (<see cref="E2eRecoveryLab.MachineOemStrings"/>) on this lab's network.</summary>
    public static string[] RecoveryOemStrings() => E2eRecoveryLab.MachineOemStrings("auto", RecoveryMachineAddress, Listen);

    /// <summary>
    /// QEMU arguments for a NIC that PXE-boots first (bootindex=1) on the lab's tap. IPv6 PXE is switched
    /// off through OVMF's fw_cfg knob, or OVMF spends a minute on DHCPv6 after the IPv4 attempt.
    /// </summary>
    public string[] PxeNicArguments(NicModel model, string mac)
    {
        string device = model switch
        {
            NicModel.VirtioNetOvmfDriver => $"virtio-net-pci,netdev=net0,mac={mac},romfile=,bootindex=1",
            NicModel.VirtioNetIpxe => $"virtio-net-pci,netdev=net0,mac={mac},bootindex=1",
            NicModel.E1000 => $"e1000,netdev=net0,mac={mac},bootindex=1",
            _ => throw new ArgumentOutOfRangeException(nameof(model), model, "unknown NIC model"),
        };
        return new[]
        {
            "-netdev", $"tap,id=net0,ifname={Tap},script=no,downscript=no",
            "-device", device,
            "-fw_cfg", "name=opt/org.tianocore/IPv6PXESupport,string=n",
        };
    }

    /// <summary>Runs a command in the namespace with a time bound.</summary>
    public HostCommandResult Exec(TimeSpan timeout, params string[] command)
    {
        var arguments = new List<string> { "netns", "exec", Namespace.Name };
        arguments.AddRange(command);
        return HostCommand.Run(HostTools.RequirePath(HostTool.Ip), arguments, timeout);
    }

    public string PeerOutput() => "\n--- dnsmasq\n" + _dnsmasq.Output + "\n--- drain probe\n" + _probe.Output + "\n--- web server\n" + _web.Output;

    /// <summary>A dotted IPv4 address as the capture parsers compare it (<see cref="CapturedDatagram"/>).</summary>
    public static uint Address(string dotted)
    {
        string[] parts = dotted.Split('.');
        return (uint.Parse(parts[0], CultureInfo.InvariantCulture) << 24) | (uint.Parse(parts[1], CultureInfo.InvariantCulture) << 16)
            | (uint.Parse(parts[2], CultureInfo.InvariantCulture) << 8) | uint.Parse(parts[3], CultureInfo.InvariantCulture);
    }

    public static string Script(string fileName) => Path.Combine(TestEnvironment.Repo.Root, "qemu-tests", "Bench", "scripts", fileName);

    /// <summary>
    /// tcpdump on the tap in immediate mode (libpcap otherwise hands packets over in blocks, up to a second
    /// late, so the end of a transfer may not be in the file yet when it is read); returns once it listens.
    /// </summary>
    public Task<NamespaceProcess> StartCaptureAsync(string pcapPath) => Tcpdump.StartAsync(Namespace, Tap, pcapPath, immediate: true);

    /// <summary>Polls the growing capture until <paramref name="done"/> holds for it, or <paramref name="timeout"/>.</summary>
    public static async Task<bool> WaitForCaptureAsync(string pcapPath, Func<List<CapturedFrame>, bool> done, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (PcapFile.TryRead(pcapPath, out List<CapturedFrame> frames, out _) && done(frames))
            {
                return true;
            }
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }
            await Task.Delay(250);
        }
    }

    /// <summary>
    /// Waits until the capture file stops growing (tcpdump drops what is still in the kernel's buffer when
    /// it is terminated, and it lags under load), stops tcpdump with SIGTERM so it flushes, reads the capture.
    /// </summary>
    public static async Task<List<CapturedFrame>> StopAndReadAsync(NamespaceProcess tcpdump, string pcapPath)
    {
        long size = -1;
        DateTime deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            long now = File.Exists(pcapPath) ? new FileInfo(pcapPath).Length : 0;
            if (now == size)
            {
                break;
            }
            size = now;
            await Task.Delay(1200);
        }
        tcpdump.Stop(TimeSpan.FromSeconds(5));
        tcpdump.Dispose();
        if (!PcapFile.TryRead(pcapPath, out List<CapturedFrame> frames, out string error))
        {
            throw new InvalidOperationException("capture " + pcapPath + ": " + error);
        }
        return frames;
    }

    public void Dispose()
    {
        _web.Dispose();
        _probe.Dispose();
        _dnsmasq.Dispose();
        Namespace.Dispose();
    }
}
