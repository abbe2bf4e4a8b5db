using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading.Tasks;

namespace UefiRecovery.Testbed.Network;

/// <summary>
/// tcpdump as the tests' witness of the wire: a capture inside a namespace written packet by packet to a pcap
/// file, and tcpdump's own reading of such a file through a filter (a summary line per packet, or the IPv4
/// header lines). <see cref="PcapFile"/> reads the same files byte by byte where a test needs the packets themselves.
/// </summary>
public static class Tcpdump
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Captures on <paramref name="device"/> inside <paramref name="ns"/> into <paramref name="pcapPath"/> (the first
    /// <paramref name="snapLength"/> bytes of each frame, written packet by packet) and returns once tcpdump listens. <paramref name="immediate"/>:
    /// libpcap hands packets over at once instead of in blocks up to a second late (for the timing figures).
    /// </summary>
    public static async Task<NamespaceProcess> StartAsync(NetworkNamespace ns, string device, string pcapPath, bool immediate = false, int snapLength = 128)
    {
        // -B: a 16 MiB kernel buffer, so a tcpdump starved of CPU on a loaded 2-core host (three TCG VMs and a
        // manager) loses no packet of a burst; the tests count packets (a CI run once saw 268 of 379 with the
        // default 2 MiB).
        var arguments = new List<string> { "-i", device, "-n", "-U", "-B", "16384" };
        if (immediate)
        {
            arguments.Add("--immediate-mode");
        }
        arguments.AddRange(new[] { "-s", snapLength.ToString(CultureInfo.InvariantCulture), "-w", pcapPath });
        NamespaceProcess tcpdump = ns.StartProcess("tcpdump", arguments.ToArray());
        try
        {
            await tcpdump.WaitForOutputAsync("listening on", StartTimeout).ConfigureAwait(false);
        }
        catch
        {
            tcpdump.Dispose();
            throw;
        }
        return tcpdump;
    }

    /// <summary>tcpdump's one-line summaries (<c>-tt</c>: epoch seconds first) of the packets matching <paramref name="filter"/> (empty: all).</summary>
    public static IReadOnlyList<string> Summaries(string pcapPath, string filter) =>
        Read(pcapPath, filter, new[] { "-tt" }, line => line.Length > 0);

    /// <summary>
    /// The IPv4 header lines (<c>-v</c>: tos, ttl, id, length) of the first <paramref name="count"/> packets matching
    /// <paramref name="filter"/>.
    /// </summary>
    public static IReadOnlyList<string> IpHeaderLines(string pcapPath, string filter, int count) =>
        Read(pcapPath, filter, new[] { "-v", "-c", count.ToString(CultureInfo.InvariantCulture) }, line => line.Contains("ttl ", StringComparison.Ordinal));

    private static List<string> Read(string pcapPath, string filter, string[] options, Func<string, bool> keep)
    {
        var arguments = new List<string> { "-r", pcapPath, "-n" };
        arguments.AddRange(options);
        if (filter.Length > 0)
        {
            arguments.Add(filter);
        }
        HostCommandResult read = HostCommand.Run("tcpdump", arguments, ReadTimeout);
        // Read while tcpdump still writes, the last record may be cut short: the complete ones before it count.
        if (!read.Succeeded && !read.ToString().Contains("truncated", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("tcpdump -r failed: " + read);
        }
        var lines = new List<string>();
        foreach (string line in read.StandardOutput.Split('\n'))
        {
            string trimmed = line.Trim();
            if (keep(trimmed))
            {
                lines.Add(trimmed);
            }
        }
        return lines;
    }
}
