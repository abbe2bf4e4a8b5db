using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Firmware;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// Shared pieces of the multi-machine, lossy, late-manager and valid-region end-to-end tests: the signed
/// capsule of Debian's OVMF vars (packed by the real manager, <see cref="RecoveryManager"/>), per-machine
/// ESP and vars images, OEM strings, <c>serve</c> with test-specific options, a tcpdump capture on the
/// bridge, and an nftables random-drop rule in the bridge family in front of a tap.
/// Network namespaces and devices carry the prefix "e2e".
/// </summary>
internal static class E2eRecoveryLab
{
    public const string NamespacePrefix = "e2e";
    public const string Subnet = "10.216.0";
    public const string HostAddress = Subnet + ".1";
    public const int ManagerPort = 40123;
    public const string Listen = HostAddress + ":40123";
    public const string Broadcast = Subnet + ".255";
    public const string PayloadPath = "/usr/share/OVMF/OVMF_VARS_4M.fd";

    /// <summary>4 KiB of garbage in the FTW spare area: damage OVMF tolerates (testbed's <see cref="InterruptedRecovery"/>).</summary>
    public const int GarbageOffset = InterruptedRecovery.GarbageOffset;
    public const int GarbageLength = InterruptedRecovery.GarbageLength;

    /// <summary>The payload, and the folder holding its capsule signed with the trusted EDK2 test key.</summary>
    public static async Task<(byte[] Payload, string ImagesDir)> PackTrustedCapsuleAsync(string runDirectory)
    {
        byte[] payload = File.ReadAllBytes(PayloadPath);
        string payloadPath = Path.Combine(runDirectory, "payload-ovmf-vars.fd");
        File.WriteAllBytes(payloadPath, payload);
        string images = Directory.CreateDirectory(Path.Combine(runDirectory, "images")).FullName;
        await RecoveryManager.PackAsync(payloadPath, RecoveryManager.Rsa2048TestKey, Path.Combine(images, "ovmf-vars.cap"));
        return (payload, images);
    }

    /// <summary>What an interrupted recovery leaves: the payload with one FTW spare block not yet rewritten.</summary>
    public static byte[] Interrupted(byte[] payload) => InterruptedRecovery.DamageRegion(payload);

    /// <summary>A FAT image ESP (vvfat corrupts guest writes, fvb.log) with the app and, if asked, the in-progress marker.</summary>
    public static EspImage BuildEsp(string path, bool interruptedMarker) =>
        EspWith(interruptedMarker).BuildFatImage(path);

    /// <summary>The ESP's builder (app, and the in-progress marker if asked), for tests that add their own files.</summary>
    public static EspBuilder EspWith(bool interruptedMarker)
    {
        EspBuilder builder = new EspBuilder().WithBootApplication(EfiAppBinary.Require());
        return interruptedMarker ? builder.WithInProgressMarker() : builder;
    }

    public static string[] MachineOemStrings(string mode, string machineAddress) => new[]
    {
        "uefirecovery.mode=" + mode,
        EfiAppConsole.DebugExitOemString,
        $"uefirecovery.ip={machineAddress}/24",
        "uefirecovery.manager=" + Listen,
        "uefirecovery.trust.rsa2048=" + RecoveryManager.TestKeyHash,
        "uefirecovery.image-type=" + RecoveryManager.ImageType,
        "uefirecovery.lsv=" + RecoveryManager.LowestSupportedVersion,
    };

    /// <summary>
    /// <c>serve</c> like <see cref="RecoveryManager.ServeAsync"/> (broadcast, trusted test key, 20 Mbit/s),
    /// with the gather window chosen by the test; waits for the "ready" line.
    /// </summary>
    public static async Task<NamespaceProcess> ServeAsync(NetworkNamespace ns, string imagesDir, string resultsPath, int gatherSeconds)
    {
        string dll = await RecoveryManager.RequireAsync();
        var arguments = new List<string>
        {
            dll, "serve", "--images", imagesDir, "--listen", Listen, "--delivery", "broadcast", "--destination", Broadcast,
            "--trusted-key-hash", RecoveryManager.TestKeyHash, "--results", resultsPath, "--status-http", "off", "--live", "false",
            "--rate", "20", "--client-timeout", "300", "--gather", gatherSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--name", "e2e-test",
        };
        return await RecoveryManager.StartAndWaitReadyAsync(ns, arguments);
    }

    /// <summary>The manager's default multicast group (docs/operating.md, <c>--destination</c>), given explicitly by the tests.</summary>
    public const string MulticastGroup = "239.255.40.124";

    /// <summary>
    /// <c>serve</c> like <see cref="ServeAsync(NetworkNamespace, string, string, int)"/> with other delivery options,
    /// e.g. <c>--delivery multicast --destination 239.255.40.124</c> or <c>--delivery unicast</c>.
    /// </summary>
    public static async Task<NamespaceProcess> ServeAsync(NetworkNamespace ns, string imagesDir, string resultsPath, int gatherSeconds,
        IReadOnlyList<string> delivery)
    {
        string dll = await RecoveryManager.RequireAsync();
        var arguments = new List<string> { dll, "serve", "--images", imagesDir, "--listen", Listen };
        arguments.AddRange(delivery);
        arguments.AddRange(new[]
        {
            "--trusted-key-hash", RecoveryManager.TestKeyHash, "--results", resultsPath, "--status-http", "off", "--live", "false",
            "--rate", "20", "--client-timeout", "300", "--gather", gatherSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--name", "e2e-test",
        });
        return await RecoveryManager.StartAndWaitReadyAsync(ns, arguments);
    }

    /// <summary>
    /// IGMP snooping on the bridge, with the bridge as IGMPv2 querier (so its group table is used), and
    /// <paramref name="tap"/> taking no unregistered multicast: group traffic that enters the bridge through a
    /// port reaches the machine only after the machine's own IGMP report put its port in the bridge's table
    /// (like a switch with snooping and unknown-multicast flooding off). Two Linux bridge rules the tests
    /// depend on: multicast the bridge device itself sends is flooded to every port whatever mcast_flood says
    /// (so the manager must sit behind a port, <see cref="AddManagerBehindPort"/>), and the group table is only
    /// used once the querier has been up for the query response interval (<see cref="QuerierSettle"/>).
    /// </summary>
    public static void EnableSnoopingWithoutUnregisteredFlood(NetworkNamespace ns, string bridge, string tap)
    {
        ns.ExecChecked("ip", "link", "set", bridge, "type", "bridge", "mcast_snooping", "1", "mcast_querier", "1",
            "mcast_igmp_version", "2", "mcast_query_use_ifaddr", "1");
        ns.ExecChecked("bridge", "link", "set", "dev", tap, "mcast_flood", "off");
    }

    /// <summary>The bridge's default query response interval (10 s) and a margin: before it, snooping floods (or, with mcast_flood off, drops).</summary>
    public static readonly TimeSpan QuerierSettle = TimeSpan.FromSeconds(12);

    /// <summary>
    /// A second namespace for the manager, joined to <paramref name="bridge"/> through a veth port, holding
    /// <see cref="HostAddress"/>; it also has a decoy interface (<paramref name="decoyDevice"/>, 10.218.0.1/24)
    /// (one end of a veth pair) that carries the default route, so a multicast datagram sent without the interface chosen by
    /// <c>--listen</c> would leave there instead of toward the machines.
    /// </summary>
    public static NetworkNamespace AddManagerBehindPort(NetworkNamespace ns, string bridge, out string bridgePort, out string decoyDevice)
    {
        NetworkNamespace manager = NetworkNamespace.Create(NamespacePrefix);
        try
        {
            string port = ns.DeviceName("mport");
            bridgePort = port;
            string inside = ns.DeviceName("mgr");
            ns.AddVethPair(port, inside, manager);
            ns.AttachToBridge(port, bridge);
            manager.SetAddress(inside, HostAddress + "/24");
            // A veth pair with both ends here: an interface that is up and carries frames (no dummy driver in containers).
            decoyDevice = manager.DeviceName("decoy");
            manager.ExecChecked("ip", "link", "add", decoyDevice, "type", "veth", "peer", "name", manager.DeviceName("decoyp"));
            manager.SetUp(manager.DeviceName("decoyp"));
            manager.SetAddress(decoyDevice, "10.218.0.1/24");
            manager.SetUp(decoyDevice);
            manager.ExecChecked("ip", "route", "add", "default", "dev", decoyDevice);
            return manager;
        }
        catch
        {
            manager.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Another host on the segment: a namespace joined to <paramref name="bridge"/> through a veth port, holding
    /// <paramref name="address"/>/24 (an attacker or a rogue donor in the hostile-LAN tests).
    /// </summary>
    public static NetworkNamespace AddPeerBehindPort(NetworkNamespace ns, string bridge, string address)
    {
        NetworkNamespace peer = NetworkNamespace.Create(NamespacePrefix);
        try
        {
            string port = ns.DeviceName("pport");
            string inside = ns.DeviceName("peer");
            ns.AddVethPair(port, inside, peer);
            ns.AttachToBridge(port, bridge);
            peer.SetAddress(inside, address + "/24");
            return peer;
        }
        catch
        {
            peer.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends <paramref name="count"/> small UDP datagrams from <paramref name="fromAddress"/> (which picks the
    /// interface) to <paramref name="group"/>:<paramref name="port"/>, TTL 1, with the host's own socket API (python3).
    /// </summary>
    public static void SendMulticastProbe(NetworkNamespace ns, string fromAddress, string group, int port, int count)
    {
        string script = "import socket\n"
            + "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
            + $"s.bind(('{fromAddress}', 0))\n"
            + $"s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton('{fromAddress}'))\n"
            + "s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)\n"
            + $"for i in range({count}): s.sendto(b'e2e multicast probe', ('{group}', {port}))\n";
        ns.ExecChecked("python3", "-c", script);
    }

    /// <summary>The bridge's multicast group table (<c>bridge mdb show</c>) as text.</summary>
    public static string MulticastGroupTable(NetworkNamespace ns) => ns.ExecChecked("bridge", "mdb", "show").StandardOutput;

    /// <summary>
    /// tcpdump on <paramref name="device"/> inside the namespace, packet-buffered into <paramref name="pcapPath"/>;
    /// returns once tcpdump says it is listening.
    /// </summary>
    public static async Task<NamespaceProcess> StartCaptureAsync(NetworkNamespace ns, string device, string pcapPath)
    {
        NamespaceProcess tcpdump = ns.StartProcess("tcpdump", "-i", device, "-n", "-U", "-s", "128", "-w", pcapPath);
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !tcpdump.HasExited && !tcpdump.Output.Contains("listening on", StringComparison.Ordinal))
        {
            await Task.Delay(100);
        }
        if (tcpdump.HasExited || !tcpdump.Output.Contains("listening on", StringComparison.Ordinal))
        {
            string output = tcpdump.Output;
            tcpdump.Dispose();
            throw new InvalidOperationException("tcpdump did not start listening on " + device + ":\n" + output);
        }
        return tcpdump;
    }

    /// <summary>tcpdump's own one-line summaries of the captured packets matching <paramref name="filter"/> (empty: all).</summary>
    public static IReadOnlyList<string> ReadCapture(string pcapPath, string filter)
    {
        HostCommandResult read = HostCommand.Run("tcpdump",
            filter.Length == 0 ? new[] { "-r", pcapPath, "-n", "-tt" } : new[] { "-r", pcapPath, "-n", "-tt", filter }, TimeSpan.FromMinutes(1));
        // Read while tcpdump still writes, the last record may be cut short: the complete ones before it count.
        if (!read.Succeeded && !read.ToString().Contains("truncated", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("tcpdump -r failed: " + read);
        }
        var lines = new List<string>();
        foreach (string line in read.StandardOutput.Split('\n'))
        {
            if (line.Trim().Length > 0)
            {
                lines.Add(line.Trim());
            }
        }
        return lines;
    }

    /// <summary>
    /// The IP header lines (<c>tcpdump -v</c>: tos, ttl, id, length) of the first <paramref name="count"/> packets
    /// matching <paramref name="filter"/>.
    /// </summary>
    public static IReadOnlyList<string> ReadCaptureVerbose(string pcapPath, string filter, int count)
    {
        HostCommandResult read = HostCommand.Run("tcpdump",
            new[] { "-r", pcapPath, "-n", "-v", "-c", count.ToString(System.Globalization.CultureInfo.InvariantCulture), filter }, TimeSpan.FromMinutes(1));
        if (!read.Succeeded && !read.ToString().Contains("truncated", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("tcpdump -r -v failed: " + read);
        }
        var lines = new List<string>();
        foreach (string line in read.StandardOutput.Split('\n'))
        {
            if (line.Contains("ttl ", StringComparison.Ordinal))
            {
                lines.Add(line.Trim());
            }
        }
        return lines;
    }

    /// <summary>
    /// Drops about <paramref name="percent"/> % of the UDP frames the bridge hands to <paramref name="tap"/> and of those
    /// it takes from it (nftables, bridge family: postrouting out of the port, prerouting into it; the kernel has no netem).
    /// </summary>
    public static void AddRandomDrop(NetworkNamespace ns, string tap, int percent)
    {
        string p = percent.ToString(System.Globalization.CultureInfo.InvariantCulture);
        ns.ExecChecked("nft", "add", "table", "bridge", "e2eloss");
        ns.ExecChecked("nft", "add", "chain", "bridge", "e2eloss", "toguest", "{ type filter hook postrouting priority 0; }");
        ns.ExecChecked("nft", "add", "rule", "bridge", "e2eloss", "toguest", "oifname", tap, "meta", "l4proto", "udp",
            "numgen", "random", "mod", "100", "<", p, "counter", "drop");
        ns.ExecChecked("nft", "add", "chain", "bridge", "e2eloss", "fromguest", "{ type filter hook prerouting priority 0; }");
        ns.ExecChecked("nft", "add", "rule", "bridge", "e2eloss", "fromguest", "iifname", tap, "meta", "l4proto", "udp",
            "numgen", "random", "mod", "100", "<", p, "counter", "drop");
    }

    /// <summary>Packets dropped by each rule of <see cref="AddRandomDrop"/>: (toward the guest, from the guest).</summary>
    public static (long ToGuest, long FromGuest, string Listing) DropCounters(NetworkNamespace ns)
    {
        string listing = ns.ExecChecked("nft", "list", "table", "bridge", "e2eloss").StandardOutput;
        return (Counter(listing, "oifname"), Counter(listing, "iifname"), listing);
    }

    private static long Counter(string listing, string direction)
    {
        Match match = new Regex(direction + @" .* counter packets (\d+) bytes").Match(listing);
        return match.Success ? long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : -1;
    }

    public static int IndexOf(SerialLog serial, string pattern)
    {
        var regex = new Regex(pattern);
        for (int i = 0; i < serial.Lines.Count; i++)
        {
            if (regex.IsMatch(serial.Lines[i].Text))
            {
                return i;
            }
        }
        return -1;
    }

    public static string DifferingBlocks(byte[] a, byte[] b)
    {
        var blocks = new List<int>();
        for (int block = 0; (block + 1) * 4096 <= Math.Min(a.Length, b.Length); block++)
        {
            if (!a.AsSpan(block * 4096, 4096).SequenceEqual(b.AsSpan(block * 4096, 4096)))
            {
                blocks.Add(block);
            }
        }
        return blocks.Count == 0 ? "none" : string.Join(",", blocks);
    }

    /// <summary>A copy of the flash file while QEMU runs (QEMU writes it through; its locks are fcntl locks, not ours).</summary>
    public static byte[] ReadWhileRunning(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>Keeps the manager's log next to the serial logs of the run, for whoever reads a failure.</summary>
    public static string SaveManagerLog(string runDirectory, NamespaceProcess manager)
    {
        string output = manager.Output;
        File.WriteAllText(Path.Combine(runDirectory, "manager.log"), output);
        return output;
    }

    /// <summary>Result-log lines (JSON, one per line) of the file, or none when it does not exist yet.</summary>
    public static string[] ResultLines(string resultsPath) =>
        File.Exists(resultsPath) ? File.ReadAllLines(resultsPath) : Array.Empty<string>();
}
