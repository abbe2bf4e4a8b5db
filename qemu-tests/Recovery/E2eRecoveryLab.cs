using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Firmware;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;
using Xunit;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// Shared pieces of the end-to-end tests with the real manager: the lab's addresses, the signed capsule of Debian's
/// OVMF vars (packed by the real manager, <see cref="RecoveryManager"/>), ESP and vars images, the machine's OEM
/// strings, the usual <c>serve</c> (<see cref="Serve"/>), the checks of a finished recovery, peers and snooping on
/// the segment, and an nftables random-drop rule in the bridge family in front of a tap. The segment itself is
/// <see cref="E2eSegment"/>, one run's files <see cref="E2eRecoveryFiles"/>.
/// Network namespaces and devices carry the prefix "e2e" unless a test names another.
/// </summary>
internal static class E2eRecoveryLab
{
    public const string NamespacePrefix = "e2e";
    public const string Subnet = "10.216.0";
    public const string HostAddress = Subnet + ".1";
    public const int ManagerPort = 40123;
    public const string Listen = HostAddress + ":40123";
    public const string Broadcast = Subnet + ".255";

    /// <summary>The address of the one machine of most tests (several machines count up from .21).</summary>
    public const string MachineAddress = Subnet + ".20";

    /// <summary>How long one recovering machine may run (a whole recovery under TCG on a loaded 2-core host, with margin).</summary>
    public static readonly TimeSpan MachineTimeout = TimeSpan.FromMinutes(9);

    /// <summary>The payload of the capsules: Debian's pristine vars file.</summary>
    public static string PayloadPath => PristineVars.Path;

    /// <summary>4 KiB of garbage in the FTW spare area: damage OVMF tolerates (testbed's <see cref="InterruptedRecovery"/>).</summary>
    public const int GarbageOffset = InterruptedRecovery.GarbageOffset;
    public const int GarbageLength = InterruptedRecovery.GarbageLength;

    /// <summary>The payload, and the folder holding its capsule signed with the trusted EDK2 test key.</summary>
    public static Task<(byte[] Payload, string ImagesDir)> PackTrustedCapsuleAsync(string runDirectory) => PackCapsuleAsync(runDirectory, PackTrusted);

    /// <summary><paramref name="payload"/> (another firmware's region), and the folder holding its capsule signed with the trusted EDK2 test key.</summary>
    public static Task<(byte[] Payload, string ImagesDir)> PackTrustedCapsuleAsync(string runDirectory, byte[] payload) =>
        PackCapsuleAsync(runDirectory, payload, PackTrusted);

    /// <summary>
    /// The payload (written to the run folder), and an images folder in which <paramref name="pack"/> (payload path, folder)
    /// put the capsule(s) the manager is to offer: a rogue test's capsule signed with another key, version or type.
    /// </summary>
    public static Task<(byte[] Payload, string ImagesDir)> PackCapsuleAsync(string runDirectory, Func<string, string, Task> pack) =>
        PackCapsuleAsync(runDirectory, File.ReadAllBytes(PayloadPath), pack);

    /// <summary>As <see cref="PackCapsuleAsync(string, Func{string, string, Task})"/> with <paramref name="payload"/> instead of Debian's OVMF vars.</summary>
    public static async Task<(byte[] Payload, string ImagesDir)> PackCapsuleAsync(string runDirectory, byte[] payload, Func<string, string, Task> pack)
    {
        string payloadPath = Path.Combine(runDirectory, "payload-vars.fd");
        File.WriteAllBytes(payloadPath, payload);
        string images = Directory.CreateDirectory(Path.Combine(runDirectory, "images")).FullName;
        await pack(payloadPath, images);
        return (payload, images);
    }

    private static Task PackTrusted(string payloadPath, string imagesDir) =>
        RecoveryManager.PackAsync(payloadPath, RecoveryManager.Rsa2048TestKey, Path.Combine(imagesDir, "ovmf-vars.cap"));

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

    /// <summary>
    /// A machine of the lab: <paramref name="mode"/>, the debug exit, a static address, the manager (<see cref="Listen"/>
    /// unless another lab's), the EDK2 test key, the vectors' image type and rollback floor.
    /// </summary>
    public static string[] MachineOemStrings(string mode, string machineAddress, string managerListen = Listen) => new[]
    {
        "uefirecovery.mode=" + mode,
        EfiAppConsole.DebugExitOemString,
        $"uefirecovery.ip={machineAddress}/24",
        "uefirecovery.manager=" + managerListen,
        "uefirecovery.trust.rsa2048=" + RecoveryManager.TestKeyHash,
        "uefirecovery.image-type=" + RecoveryManager.ImageType,
        "uefirecovery.lsv=" + RecoveryManager.LowestSupportedVersion,
    };

    /// <summary>
    /// A machine that recovers from configured sources, no manager: mode=auto, the debug exit, the EDK2 test key, the
    /// vectors' image type and rollback floor, then <paramref name="settings"/> in order (address, gateway, sources, timeouts).
    /// </summary>
    public static string[] SourceOemStrings(params string[] settings) => new[]
    {
        "uefirecovery.mode=auto",
        EfiAppConsole.DebugExitOemString,
        "uefirecovery.trust.rsa2048=" + RecoveryManager.TestKeyHash,
        "uefirecovery.image-type=" + RecoveryManager.ImageType,
        "uefirecovery.lsv=" + RecoveryManager.LowestSupportedVersion,
    }.Concat(settings).ToArray();

    /// <summary>
    /// The lab's usual <c>serve</c> (<see cref="ServeArguments"/>' defaults: broadcast to <see cref="Broadcast"/>, the EDK2
    /// test key, 20 Mbit/s) on <see cref="Listen"/>, with the gather window chosen by the test (null: the manager's default).
    /// </summary>
    public static ServeArguments Serve(string imagesDir, string resultsPath, double? gatherSeconds) =>
        new(imagesDir, Listen, resultsPath) { Destination = Broadcast, GatherSeconds = gatherSeconds };

    /// <summary>The manager's default multicast group (docs/operating.md, <c>--destination</c>), given explicitly by the tests.</summary>
    public const string MulticastGroup = "239.255.40.124";

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
    /// Drops about <paramref name="percent"/> % of the UDP frames the bridge hands to <paramref name="tap"/> and of those
    /// it takes from it (nftables, bridge family: postrouting out of the port, prerouting into it; the kernel has no netem).
    /// Called once per tap for several machines: each tap gets its own rules (and counters) in the same table.
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

    /// <summary>
    /// Packets dropped by the rules of <see cref="AddRandomDrop"/>: (toward the guest, from the guest); those of
    /// <paramref name="tap"/> when given, else the first tap's.
    /// </summary>
    public static (long ToGuest, long FromGuest, string Listing) DropCounters(NetworkNamespace ns, string? tap = null)
    {
        string listing = ns.ExecChecked("nft", "list", "table", "bridge", "e2eloss").StandardOutput;
        return (Counter(listing, "oifname", tap), Counter(listing, "iifname", tap), listing);
    }

    private static long Counter(string listing, string direction, string? tap)
    {
        string device = tap == null ? "" : "\"" + Regex.Escape(tap) + "\"";
        Match match = new Regex(direction + " " + device + @".* counter packets (\d+) bytes").Match(listing);
        return match.Success ? long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : -1;
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

    /// <summary>
    /// The end of every successful recovery, on all three witnesses: the machine's console (RESULT acknowledged, then
    /// <c>RECOVERY DONE verdict=recovered</c> with the success exit), its vars file (equal to <paramref name="payload"/>)
    /// and the manager's result log (a success record for <paramref name="mac"/>). <paramref name="who"/> prefixes the
    /// messages when several machines run; <paramref name="context"/> (the manager's log, a peer's) is added to them.
    /// When the region is only the start of the flash (AAVMF), <paramref name="flashBefore"/> is the flash the machine
    /// started from: the region must equal the payload and the rest be as it was.
    /// </summary>
    public static void AssertRecovered(QemuExit exit, SerialLog serial, byte[] payload, string resultsPath, string context,
        string mac = QemuMachineOptions.DefaultMacAddress, string who = "", byte[]? flashBefore = null)
    {
        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY RESULT outcome=success reason=0 acked=yes$")), exit, who + "RESULT acknowledged" + context);
        BootAssert.SentinelAndExitCode(exit, serial.Find(new Regex("^RECOVERY DONE verdict=recovered reason=none$")),
            who + "'RECOVERY DONE verdict=recovered'", DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
        byte[] after = File.ReadAllBytes(exit.VarsPath);
        if (flashBefore == null || flashBefore.Length == payload.Length)
        {
            BootAssert.True(payload.AsSpan().SequenceEqual(after), exit,
                who + "vars file differs from the capsule payload in blocks " + FlashBlocks.Differing(payload, after));
        }
        else
        {
            byte[] region = after.AsSpan(0, Math.Min(payload.Length, after.Length)).ToArray();
            BootAssert.True(after.Length == flashBefore.Length && payload.AsSpan().SequenceEqual(region), exit,
                who + $"the region (the flash's first 0x{payload.Length:X} bytes) differs from the capsule payload in 4 KiB blocks " + FlashBlocks.Differing(payload, region));
            BootAssert.True(after.AsSpan(payload.Length).SequenceEqual(flashBefore.AsSpan(payload.Length)), exit, who + "the flash beyond the region changed");
        }
        string log = string.Join("\n", ResultLines(resultsPath));
        BootAssert.True(Regex.IsMatch(log, "\"clientId\":\"" + mac + "\".*\"outcome\":\"success\",\"code\":0"), exit,
            who + "no success record for " + mac + " in the result log:\n" + log + context);
    }

    /// <summary>
    /// Runs a machine that must refuse what it is offered: waits up to <paramref name="timeout"/> for its RECOVERY REJECTED
    /// line, then up to a minute for the refusal's RESULT in the manager's result log (the client goes on looking for
    /// another donor meanwhile), then stops QEMU. Rejected is null when no refusal came.
    /// </summary>
    public static async Task<(QemuExit Exit, SerialLog Serial, SerialLine? Rejected)> RunUntilRejectedAsync(QemuMachine machine,
        string resultsPath, TimeSpan timeout)
    {
        await using QemuRun run = machine.Start();
        SerialLine? rejected = await run.Serial.WaitForLineAsync(new Regex("^RECOVERY REJECTED "), timeout);
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !string.Join("\n", ResultLines(resultsPath)).Contains("failure", StringComparison.Ordinal))
        {
            await Task.Delay(500);
        }
        QemuExit exit = await run.KillAsync();
        return (exit, run.Serial, rejected);
    }

    /// <summary>
    /// Nothing of the app's in the vars file: the damaged block as it was, and every block from 5 on as it was (OVMF's own
    /// boot-time variable writes live in blocks 0-4). Returns the blocks that did change, for the test's log.
    /// </summary>
    public static string AssertNothingWritten(byte[] before, byte[] after, string why)
    {
        string differing = FlashBlocks.Differing(before, after);
        Assert.Equal(before.Length, after.Length);
        Assert.True(after.AsSpan(GarbageOffset, GarbageLength).SequenceEqual(before.AsSpan(GarbageOffset, GarbageLength)),
            "the interrupted-region bytes were changed although " + why);
        Assert.True(after.AsSpan(5 * FlashBlocks.Size).SequenceEqual(before.AsSpan(5 * FlashBlocks.Size)),
            "blocks beyond OVMF's variable writes changed although " + why + ": " + differing);
        return differing;
    }
}
