using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
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

    /// <summary>4 KiB of garbage in the FTW spare area: damage OVMF tolerates (see RecoveryEndToEndTests).</summary>
    public const int GarbageOffset = 0x60000;
    public const int GarbageLength = 0x1000;

    /// <summary>The ESP marker file an interrupted recovery leaves (efi-app/src/Firmware/EspMarkerStore.cs).</summary>
    public const string MarkerPath = "UEFIRECOVERY-NV.MARKER";
    public const string MarkerInProgress = "UEFIRECOVERY-NV-MARKER v1 INPRG\n";

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
    public static byte[] Interrupted(byte[] payload)
    {
        byte[] vars = (byte[])payload.Clone();
        for (int i = 0; i < GarbageLength; i++)
        {
            vars[GarbageOffset + i] = (byte)(0xA5 ^ i);
        }
        return vars;
    }

    /// <summary>A FAT image ESP (vvfat corrupts guest writes, fvb.log) with the app and, if asked, the in-progress marker.</summary>
    public static EspImage BuildEsp(string path, bool interruptedMarker)
    {
        EspBuilder builder = new EspBuilder().WithBootApplication(EfiAppBinary.Require());
        if (interruptedMarker)
        {
            builder = builder.WithFile(MarkerPath, Encoding.ASCII.GetBytes(MarkerInProgress));
        }
        return builder.BuildFatImage(path);
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
