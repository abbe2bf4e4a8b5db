using System;
using System.Collections.Generic;
using System.Diagnostics;
using UefiRecovery.Testbed.Tools;

namespace UefiRecovery.Testbed.Network;

/// <summary>
/// A throwaway Linux network namespace for one test: bridges, tap devices for QEMU, veth pairs to
/// other namespaces, and peer programs running inside. Every name carries the caller's prefix and a
/// random id, so parallel tests and other users of the host never collide. Dispose stops the peers
/// and deletes the namespace, which deletes every device in it (and the far end of its veths).
/// Needs root (CAP_NET_ADMIN); check <see cref="UnavailableReason"/> first.
/// </summary>
public sealed class NetworkNamespace : IDisposable
{
    private const int MaxInterfaceNameLength = 15; // IFNAMSIZ - 1

    private readonly string _ip;
    private readonly List<NamespaceProcess> _processes = new();
    private readonly List<string> _hostDevices = new();
    private bool _disposed;

    public string Name { get; }

    /// <summary>Short random id shared by every device name this namespace hands out.</summary>
    public string Id { get; }

    public string Prefix { get; }

    private NetworkNamespace(string ip, string prefix, string id)
    {
        _ip = ip;
        Prefix = prefix;
        Id = id;
        Name = prefix + "-" + id;
    }

    /// <summary>Null when namespaces can be made here; otherwise why not (for a test's skip reason).</summary>
    public static string? UnavailableReason()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return "needs root (CAP_NET_ADMIN) to create network namespaces, bridges and tap devices";
        }
        if (!HostTool.Ip.TryLocate(out _))
        {
            return HostTools.DescribeMissing(new[] { HostTool.Ip });
        }
        return null;
    }

    /// <summary>Creates the namespace with its loopback up. <paramref name="prefix"/>: 1..6 lowercase letters/digits.</summary>
    public static NetworkNamespace Create(string prefix)
    {
        if (prefix.Length is 0 or > 6 || !IsLowercaseAlphanumeric(prefix))
        {
            throw new ArgumentException("Prefix must be 1..6 lowercase letters or digits, so device names fit in 15: " + prefix);
        }
        string? reason = UnavailableReason();
        if (reason != null)
        {
            throw new InvalidOperationException("Cannot create a network namespace: " + reason);
        }
        string ip = HostTools.RequirePath(HostTool.Ip);
        var ns = new NetworkNamespace(ip, prefix, Guid.NewGuid().ToString("N").Substring(0, 6));
        HostCommand.RunChecked(ip, "netns", "add", ns.Name);
        try
        {
            ns.ExecChecked(ip, "link", "set", "lo", "up");
        }
        catch
        {
            ns.Dispose();
            throw;
        }
        return ns;
    }

    private static bool IsLowercaseAlphanumeric(string text)
    {
        foreach (char c in text)
        {
            if (!(c is >= 'a' and <= 'z' or >= '0' and <= '9'))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>A device name unique to this namespace: prefix + role + id (at most 15 characters).</summary>
    public string DeviceName(string role)
    {
        string name = Prefix + role + Id;
        if (name.Length > MaxInterfaceNameLength)
        {
            throw new ArgumentException($"Device name '{name}' is longer than {MaxInterfaceNameLength} characters; use a shorter role.");
        }
        return name;
    }

    /// <summary>Runs a command inside the namespace (<c>ip netns exec</c>) and returns its result.</summary>
    public HostCommandResult Exec(params string[] command)
    {
        var arguments = new List<string> { "netns", "exec", Name };
        arguments.AddRange(command);
        return HostCommand.Run(_ip, arguments, HostCommand.DefaultTimeout);
    }

    public HostCommandResult ExecChecked(params string[] command)
    {
        HostCommandResult result = Exec(command);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"In namespace {Name}: {result}");
        }
        return result;
    }

    /// <summary>Adds a bridge, brings it up, and gives it an address if <paramref name="addressCidr"/> is set.</summary>
    public string AddBridge(string name, string? addressCidr = null)
    {
        ExecChecked(_ip, "link", "add", name, "type", "bridge");
        // No STP delay: a tap joining the bridge must forward at once, or a fast guest's first DHCP is lost.
        ExecChecked(_ip, "link", "set", name, "type", "bridge", "forward_delay", "0", "stp_state", "0");
        SetUp(name);
        if (addressCidr != null)
        {
            SetAddress(name, addressCidr);
        }
        return name;
    }

    /// <summary>Adds a persistent tap device for QEMU, up, and on <paramref name="bridge"/> if given.</summary>
    public string AddTap(string name, string? bridge = null)
    {
        ExecChecked(_ip, "tuntap", "add", "dev", name, "mode", "tap");
        if (bridge != null)
        {
            ExecChecked(_ip, "link", "set", name, "master", bridge);
        }
        SetUp(name);
        return name;
    }

    /// <summary>
    /// Adds a veth pair: <paramref name="name"/> stays here, <paramref name="peerName"/> moves to
    /// <paramref name="peerNamespace"/> (or stays in the host's namespace when null). Both ends are up.
    /// </summary>
    public void AddVethPair(string name, string peerName, NetworkNamespace? peerNamespace)
    {
        ExecChecked(_ip, "link", "add", name, "type", "veth", "peer", "name", peerName);
        if (peerNamespace != null)
        {
            ExecChecked(_ip, "link", "set", peerName, "netns", peerNamespace.Name);
            peerNamespace.SetUp(peerName);
        }
        else
        {
            // "netns 1" is the namespace of pid 1: the host's.
            ExecChecked(_ip, "link", "set", peerName, "netns", "1");
            lock (_hostDevices)
            {
                _hostDevices.Add(peerName);
            }
            HostCommand.RunChecked(_ip, "link", "set", peerName, "up");
        }
        SetUp(name);
    }

    public void SetUp(string device) => ExecChecked(_ip, "link", "set", device, "up");

    public void SetAddress(string device, string addressCidr) => ExecChecked(_ip, "addr", "add", addressCidr, "dev", device);

    public void AttachToBridge(string device, string bridge) => ExecChecked(_ip, "link", "set", device, "master", bridge);

    /// <summary>Starts a long-running program inside the namespace; Dispose stops it.</summary>
    public NamespaceProcess StartProcess(string fileName, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(_ip)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "netns", "exec", Name, fileName })
        {
            startInfo.ArgumentList.Add(argument);
        }
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        Process process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start " + fileName);
        var started = new NamespaceProcess(process, fileName + " " + string.Join(" ", arguments));
        lock (_processes)
        {
            _processes.Add(started);
        }
        return started;
    }

    /// <summary>True while the namespace exists (used by tests to check cleanup).</summary>
    public static bool Exists(string name)
    {
        HostCommandResult list = HostCommand.Run(HostTools.RequirePath(HostTool.Ip), "netns", "list");
        foreach (string line in list.StandardOutput.Split('\n'))
        {
            string first = line.Split(' ', 2)[0].Trim();
            if (first == name)
            {
                return true;
            }
        }
        return false;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        lock (_processes)
        {
            foreach (NamespaceProcess process in _processes)
            {
                try
                {
                    process.Dispose();
                }
                catch (Exception)
                {
                    // Cleanup goes on: the namespace must not outlive the test.
                }
            }
            _processes.Clear();
        }
        // The kernel tears a deleted namespace down asynchronously, so host-side veth ends are
        // deleted explicitly (that removes the pair at once) before the namespace goes.
        lock (_hostDevices)
        {
            foreach (string device in _hostDevices)
            {
                HostCommand.Run(_ip, "link", "del", device);
            }
            _hostDevices.Clear();
        }
        // Deleting the namespace deletes its bridges, taps and veth ends.
        HostCommand.Run(_ip, "netns", "del", Name);
    }
}
