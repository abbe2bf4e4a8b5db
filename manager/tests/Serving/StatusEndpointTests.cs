using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving;

/// <summary>GET /status of the real manager: only for Host names of this host (DNS rebinding), on 127.0.0.1 or [::1].</summary>
public sealed class StatusEndpointTests
{
    private static async Task<ManagerProcess> StartAsync(TempFolder folder, string statusHttp, params string[] extra)
    {
        string images = Directory.CreateDirectory(folder.Combine("images")).FullName;
        await ManagerCli.PackCapsuleAsync(images, "fw.cap", 8192, seed: 25, SharedFiles.TrustedPrivateKey);
        var args = new System.Collections.Generic.List<string>
        {
            "--images", images, "--listen", "127.0.0.1:0", "--delivery", "unicast", "--trusted", SharedFiles.TrustedPublicKey,
            "--results", folder.Combine("r.jsonl"), "--status-http", statusHttp,
        };
        args.AddRange(extra);
        return await ManagerProcess.StartAsync(args);
    }

    private static async Task<(HttpStatusCode Code, string Body)> GetAsync(Uri uri, string host)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Host = host;
        using HttpResponseMessage response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    // Host header (without port: the test adds the endpoint's) and the answer; one manager serves every row.
    private static readonly (string Host, HttpStatusCode Expected)[] HostRows =
    {
        ("attacker.example", HttpStatusCode.MisdirectedRequest),
        ("localhost.attacker.example", HttpStatusCode.MisdirectedRequest),
        ("192.0.2.1", HttpStatusCode.MisdirectedRequest),
        ("localhost", HttpStatusCode.OK),
        ("127.0.0.1", HttpStatusCode.OK),
        ("tunnel.example", HttpStatusCode.OK),
    };

    [Fact]
    public async Task Serve_StatusRequestWithHost_AnsweredOnlyForThisHost()
    {
        using var folder = new TempFolder();
        await using var manager = await StartAsync(folder, "127.0.0.1:0", "--status-host", "tunnel.example");
        foreach (var (host, expected) in HostRows)
        {
            var (code, body) = await GetAsync(manager.StatusUri!, host + ":" + manager.StatusUri!.Port);
            Assert.True(expected == code, $"Host {host}: {code}");
            if (expected == HttpStatusCode.OK) Assert.Contains("\"traffic\"", body, StringComparison.Ordinal);
            else Assert.DoesNotContain("traffic", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Serve_StatusOnIPv6Loopback_AnswersThere()
    {
        using var folder = new TempFolder();
        await using var manager = await StartAsync(folder, "[::1]:0");
        Assert.Equal(IPAddress.IPv6Loopback, IPAddress.Parse(manager.StatusUri!.Host.Trim('[', ']')));
        using var status = await manager.GetStatusAsync();
        Assert.Equal("fw.cap", status.RootElement.GetProperty("images")[0].GetProperty("name").GetString());
        var (code, _) = await GetAsync(manager.StatusUri!, "attacker.example");
        Assert.Equal(HttpStatusCode.MisdirectedRequest, code);
    }

    [Theory]
    [InlineData("0.0.0.0:8480")]
    [InlineData("[::]:8480")]
    [InlineData("10.0.0.1:8480")]
    public async Task Serve_StatusOnNonLoopback_RefusedExitTwo(string statusHttp)
    {
        using var folder = new TempFolder();
        var run = await ManagerCli.RunAsync(new[]
        {
            "serve", "--images", folder.FullPath, "--listen", "127.0.0.1:0", "--status-http", statusHttp, "--results", folder.Combine("r.jsonl"),
        }, timeout: TimeSpan.FromSeconds(60));
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.StartsWith("serve: --status-http must be a loopback address", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("false", "5%", "serve: --fec-proactive needs --fec true")]
    [InlineData("true", "lots", "serve: --fec-proactive must be a percentage 0..100, e.g. 8%")]
    [InlineData("true", "120%", "serve: --fec-proactive must be a percentage 0..100, e.g. 8%")]
    public async Task Serve_FecProactiveUnusable_RefusedExitTwo(string fec, string share, string error)
    {
        using var folder = new TempFolder();
        var run = await ManagerCli.RunAsync(new[]
        {
            "serve", "--images", folder.FullPath, "--listen", "127.0.0.1:0", "--status-http", "off", "--results", folder.Combine("r.jsonl"),
            "--fec", fec, "--fec-proactive", share,
        }, timeout: TimeSpan.FromSeconds(60));
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Equal(error, run.Stderr.Trim());
    }
}
