using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Tasks;

namespace UefiRecovery.Manager.Benchmarking;

/// <summary>
/// A private test network made of Linux network namespaces: one namespace holds a bridge, and each
/// member (manager, donors, the simulated machines) gets its own namespace with a veth on that bridge
/// and an address in 10.201.S.0/24. Nothing leaves these namespaces. Every name starts with "mgr" (this
/// component's tag) and a random suffix; everything is deleted on dispose. Needs root. Used by the
/// `benchmark` command and by the namespace tests.
/// </summary>
public sealed class NetworkLab : IAsyncDisposable
{
    private readonly List<string> _namespaces = new();
    private readonly string _tag;
    private readonly int _subnet;
    private int _nextHost = 1;

    private NetworkLab(string tag, int subnet)
    {
        _tag = tag;
        _subnet = subnet;
    }

    public string BridgeNamespace => _tag + "-sw";
    public string Bridge => _tag + "-br";

    /// <summary>The subnet's directed broadcast address: where broadcast DATA goes.</summary>
    public string BroadcastAddress => string.Create(CultureInfo.InvariantCulture, $"10.201.{_subnet}.255");

    public static async Task<NetworkLab> CreateAsync()
    {
        var random = new Random();
        string tag = "mgr" + random.Next(0x1000, 0xFFFF).ToString("x4", CultureInfo.InvariantCulture);
        var lab = new NetworkLab(tag, random.Next(1, 254));
        try
        {
            await lab.AddNamespaceAsync(lab.BridgeNamespace).ConfigureAwait(false);
            await Sh("ip", "-n", lab.BridgeNamespace, "link", "add", lab.Bridge, "type", "bridge").ConfigureAwait(false);
            await Sh("ip", "-n", lab.BridgeNamespace, "link", "set", lab.Bridge, "up").ConfigureAwait(false);
        }
        catch
        {
            await lab.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return lab;
    }

    /// <summary>Adds a member namespace on the bridge; returns its namespace name and IPv4 address.</summary>
    public async Task<Member> AddMemberAsync(string role)
    {
        int host = _nextHost++;
        string ns = $"{_tag}-{role}";
        string inside = $"{_tag}{host}v";
        string port = $"{_tag}{host}b";
        string address = string.Create(CultureInfo.InvariantCulture, $"10.201.{_subnet}.{host}");
        await AddNamespaceAsync(ns).ConfigureAwait(false);
        await Sh("ip", "link", "add", inside, "netns", ns, "type", "veth", "peer", "name", port, "netns", BridgeNamespace).ConfigureAwait(false);
        await Sh("ip", "-n", ns, "addr", "add", address + "/24", "broadcast", BroadcastAddress, "dev", inside).ConfigureAwait(false);
        await Sh("ip", "-n", ns, "link", "set", inside, "up").ConfigureAwait(false);
        await Sh("ip", "-n", BridgeNamespace, "link", "set", port, "master", Bridge).ConfigureAwait(false);
        await Sh("ip", "-n", BridgeNamespace, "link", "set", port, "up").ConfigureAwait(false);
        return new Member(ns, address, inside);
    }

    /// <summary>
    /// Kernel loss: in <paramref name="member"/>'s namespace, drops about <paramref name="perMille"/>/1000 of the UDP
    /// datagrams arriving from <paramref name="fromAddress"/> (nftables numgen random; the kernel has no netem).
    /// </summary>
    public static Task AddInboundLossAsync(Member member, string fromAddress, int perMille)
    {
        string rules = $$"""
            table inet mgrloss {
              chain input {
                type filter hook input priority 0; policy accept;
                ip saddr {{fromAddress}} meta l4proto udp numgen random mod 1000 < {{perMille}} counter drop
              }
            }
            """;
        return ShInput(rules, "ip", "netns", "exec", member.Namespace, "nft", "-f", "-");
    }

    public static Task RemoveInboundLossAsync(Member member) =>
        Sh("ip", "netns", "exec", member.Namespace, "nft", "delete", "table", "inet", "mgrloss");

    private async Task AddNamespaceAsync(string name)
    {
        await Sh("ip", "netns", "add", name).ConfigureAwait(false);
        _namespaces.Add(name);
        await Sh("ip", "-n", name, "link", "set", "lo", "up").ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        for (int i = _namespaces.Count - 1; i >= 0; i--)
        {
            try { await Sh("ip", "netns", "del", _namespaces[i]).ConfigureAwait(false); }
            catch (InvalidOperationException) { }
        }
        _namespaces.Clear();
    }

    public static Task Sh(params string[] command) => ShInput(null, command);

    private static async Task ShInput(string? input, params string[] command)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = input is not null, UseShellExecute = false };
        for (int i = 1; i < command.Length; i++) start.ArgumentList.Add(command[i]);
        using var process = Process.Start(start)!;
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input).ConfigureAwait(false);
            process.StandardInput.Close();
        }
        string stderr = await process.StandardError.ReadToEndAsync().ConfigureAwait(false);
        await process.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0) throw new InvalidOperationException(string.Join(' ', command) + " failed: " + stderr);
    }

    /// <summary>One namespace on the lab's bridge.</summary>
    public sealed record Member(string Namespace, string Address, string Interface);
}
