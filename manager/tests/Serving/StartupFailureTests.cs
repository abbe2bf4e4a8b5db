using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving;

/// <summary>
/// `serve` that cannot do its job says so in one line naming the option, exits with the class's code
/// (docs/operating.md §6) and never prints "ready": a service manager must not think it healthy.
/// Each case runs the real manager process.
/// </summary>
public sealed class StartupFailureTests : IDisposable
{
    private readonly TempFolder _folder = new("serve-start");
    private readonly UdpClient _busyUdp = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly TcpListener _busyHttp = new(IPAddress.Loopback, 0);

    public StartupFailureTests()
    {
        Directory.CreateDirectory(_folder.Combine("images"));
        File.WriteAllText(_folder.Combine("a-file"), "not a folder");
        // An existing 0600 secret: the manager prints nothing about it, so stderr holds only the failure.
        File.WriteAllBytes(_folder.Combine("member.secret"), new byte[32]);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(_folder.Combine("member.secret"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        _busyHttp.Start();
    }

    public void Dispose()
    {
        _busyUdp.Dispose();
        _busyHttp.Stop();
        _folder.Dispose();
    }

    public static TheoryData<string> Cases() => new()
    {
        "images-missing", "images-is-a-file", "no-trust-anchor", "results-under-a-file", "results-is-a-folder",
        "udp-port-busy", "udp-address-not-here", "http-port-busy",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Serve_CannotServe_OneLineNamingTheOptionExitCodeAndNoReady(string scenario)
    {
        var (arguments, expectedExit, expectedLine) = Scenario(scenario);
        var run = await ManagerCli.RunAsync(arguments, timeout: TimeSpan.FromMinutes(2));

        Assert.True(expectedExit == run.ExitCode, $"exit {run.ExitCode}, expected {expectedExit}\n{run.Stdout}\n{run.Stderr}");
        Assert.Equal(expectedLine, run.Stderr.TrimEnd('\n'));
        Assert.DoesNotContain("ready udp=", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", run.Stdout + run.Stderr, StringComparison.Ordinal); // no stack trace anywhere
        Assert.DoesNotContain("Exception", run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_folder.Combine("results.jsonl")), "nothing was written");
    }

    private (string[] Arguments, int Exit, string Line) Scenario(string scenario)
    {
        string images = _folder.Combine("images");
        string results = _folder.Combine("results.jsonl");
        string[] trust = { "--trusted", SharedFiles.TrustedPublicKey };
        string[] Serve(string imageFolder, string[] trustArgs, string resultsPath, string listen = "127.0.0.1:0", string http = "off")
        {
            var all = new System.Collections.Generic.List<string> { "serve", "--images", imageFolder };
            all.AddRange(trustArgs);
            all.AddRange(new[] { "--results", resultsPath, "--secret-file", _folder.Combine("member.secret"), "--listen", listen, "--status-http", http, "--live", "false" });
            return all.ToArray();
        }
        int udpPort = ((IPEndPoint)_busyUdp.Client.LocalEndPoint!).Port;
        int httpPort = ((IPEndPoint)_busyHttp.LocalEndpoint).Port;
        return scenario switch
        {
            "images-missing" => (Serve(_folder.Combine("nowhere"), trust, results), ExitCodes.Configuration,
                "serve: --images " + _folder.Combine("nowhere") + ": no such folder (create it, or name the folder that holds the capsules)"),
            "images-is-a-file" => (Serve(_folder.Combine("a-file"), trust, results), ExitCodes.Configuration,
                "serve: --images " + _folder.Combine("a-file") + " is a file, not a folder of capsules"),
            "no-trust-anchor" => (Serve(images, Array.Empty<string>(), results), ExitCodes.Configuration,
                "serve: no trust anchor: give --trusted FILE (the capsules' signing key or root certificate) or --trusted-key-hash HEX; without one every capsule is rejected"),
            "results-under-a-file" => (Serve(images, trust, _folder.Combine("a-file/results.jsonl")), ExitCodes.Unavailable,
                "serve: cannot write the result log " + _folder.Combine("a-file/results.jsonl") + " (--results): " + _folder.Combine("a-file") + " is a file, not a folder"),
            "results-is-a-folder" => (Serve(images, trust, images), ExitCodes.Unavailable,
                "serve: cannot write the result log " + images + " (--results): that is a folder; give a file name"),
            "udp-port-busy" => (Serve(images, trust, "off", listen: "127.0.0.1:" + udpPort), ExitCodes.Unavailable,
                "serve: cannot listen on UDP 127.0.0.1:" + udpPort + " (--listen): the port is in use by another program (ss -lunp or ss -ltnp shows which)"),
            // 192.0.2.1 (TEST-NET-1) is on no interface of a test machine.
            "udp-address-not-here" => (Serve(images, trust, "off", listen: "192.0.2.1:40123"), ExitCodes.Unavailable,
                "serve: cannot listen on UDP 192.0.2.1:40123 (--listen): the address is not on this host (ip -brief address lists this host's addresses)"),
            "http-port-busy" => (Serve(images, trust, "off", http: "127.0.0.1:" + httpPort), ExitCodes.Unavailable,
                "serve: cannot listen on HTTP 127.0.0.1:" + httpPort + " (--status-http): the port is in use by another program (ss -lunp or ss -ltnp shows which)"),
            _ => throw new ArgumentOutOfRangeException(nameof(scenario), scenario, null),
        };
    }
}
