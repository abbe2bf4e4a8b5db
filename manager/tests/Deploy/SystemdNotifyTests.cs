using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;

namespace UefiRecovery.Manager.Tests.Deploy;

/// <summary>
/// `serve` as a Type=notify service: the real manager with Microsoft.Extensions.Hosting.Systemd, and this test as the
/// service manager's end of $NOTIFY_SOCKET (a Unix datagram socket, as systemd's). The library speaks sd_notify when
/// its process is systemd's child or PID 1 with NOTIFY_SOCKET (a containerised service); no systemd runs in the test
/// container, so the manager runs as PID 1 of its own PID namespace (`unshare --pid --fork --mount-proc`).
/// </summary>
public sealed class SystemdNotifyTests : IDisposable
{
    private readonly TempFolder _folder = new("notify");
    private readonly Socket _notify = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly BlockingCollection<string> _messages = new();
    private readonly CancellationTokenSource _stop = new();

    public SystemdNotifyTests()
    {
        Directory.CreateDirectory(_folder.Combine("images"));
        _notify.Bind(new UnixDomainSocketEndPoint(NotifySocket));
        _ = Task.Run(ReceiveAsync);
    }

    private string NotifySocket => _folder.Combine("notify.sock");

    public void Dispose()
    {
        _stop.Cancel();
        _notify.Dispose();
        _folder.Dispose();
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[4096];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                int n = await _notify.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
                foreach (string line in Encoding.UTF8.GetString(buffer, 0, n).Split('\n', StringSplitOptions.RemoveEmptyEntries)) _messages.Add(line);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    /// <summary>The manager as PID 1 of a fresh PID namespace, with NOTIFY_SOCKET; stdout and stderr lines collected.</summary>
    private Process StartAsService(IList<string> serveArguments, ConcurrentQueue<string> output, TaskCompletionSource<string> ready)
    {
        var start = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "--pid", "--fork", "--mount-proc", "--kill-child", "--", ManagerProcess.DotnetHost, ManagerProcess.ManagerDll, "serve" }) start.ArgumentList.Add(a);
        foreach (string a in serveArguments) start.ArgumentList.Add(a);
        start.Environment["NOTIFY_SOCKET"] = NotifySocket;
        var process = new Process { StartInfo = start };
        DataReceivedEventHandler onLine = (_, e) =>
        {
            if (e.Data is null) return;
            output.Enqueue(e.Data);
            if (e.Data.StartsWith("ready udp=", StringComparison.Ordinal)) ready.TrySetResult(e.Data);
        };
        process.OutputDataReceived += onLine;
        process.ErrorDataReceived += onLine;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private string[] Serve(string listen) => new[]
    {
        "--images", _folder.Combine("images"), "--trusted", SharedFiles.TrustedPublicKey, "--listen", listen,
        "--status-http", "off", "--results", _folder.Combine("results.jsonl"), "--secret-file", _folder.Combine("member.secret"),
    };

    /// <summary>The manager's own pid as this host sees it: the child of unshare.</summary>
    private static int ChildOf(int parent)
    {
        foreach (string stat in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(stat), out int pid)) continue;
            string text;
            try { text = File.ReadAllText(Path.Combine(stat, "stat")); }
            catch (IOException) { continue; }
            // pid (comm) state ppid ...: comm may hold spaces, so read after the last ')'.
            string[] fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            if (int.Parse(fields[1], CultureInfo.InvariantCulture) == parent) return pid;
        }
        throw new InvalidOperationException("no child of " + parent);
    }

    [RootFact]
    public async Task Serve_AsNotifyService_ReadyOnceListeningStoppingOnSigtermExitZero()
    {
        var output = new ConcurrentQueue<string>();
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using Process service = StartAsService(Serve("127.0.0.1:0"), output, ready);
        try
        {
            string readyLine = await ready.Task.WaitAsync(TimeSpan.FromMinutes(2));
            Assert.True(_messages.TryTake(out string? first, TimeSpan.FromMinutes(1)), "no READY=1 on NOTIFY_SOCKET\n" + string.Join('\n', output));
            Assert.Equal("READY=1", first);

            // READY=1 means serving: the UDP socket of the ready line is bound (a second bind of it fails).
            var udp = IPEndPoint.Parse(readyLine.Split(' ')[1]["udp=".Length..]);
            using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
                Assert.Throws<SocketException>(() => probe.Bind(udp));

            using (var kill = Process.Start("kill", new[] { "-TERM", ChildOf(service.Id).ToString(CultureInfo.InvariantCulture) })) kill!.WaitForExit();
            await service.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));

            Assert.True(_messages.TryTake(out string? second, TimeSpan.FromSeconds(30)), "no STOPPING=1\n" + string.Join('\n', output));
            Assert.Equal("STOPPING=1", second);
            Assert.True(service.ExitCode == 0, $"exit {service.ExitCode}\n" + string.Join('\n', output));
            Assert.Contains(output, l => l.Contains("stopped; 0 results recorded", StringComparison.Ordinal));
        }
        finally
        {
            if (!service.HasExited) service.Kill(entireProcessTree: true);
        }
    }

    [RootFact]
    public async Task Serve_AsNotifyServicePortBusy_NeverReadyExitSix()
    {
        using var busy = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var output = new ConcurrentQueue<string>();
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);

        // The namespace shares this host's network: the port is as busy there as here.
        using Process service = StartAsService(Serve("127.0.0.1:" + ((IPEndPoint)busy.Client.LocalEndPoint!).Port), output, ready);
        await service.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));

        Assert.True(service.ExitCode == ExitCodes.Unavailable, $"exit {service.ExitCode}\n" + string.Join('\n', output));
        Assert.False(ready.Task.IsCompleted, "ready printed");
        Assert.False(_messages.TryTake(out string? message, TimeSpan.FromSeconds(2)), "the service manager was told: " + message);
    }
}
