using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace UefiRecovery.Manager.Tests.Fixtures;

/// <summary>
/// The real manager as a child process (`dotnet uefirecovery-manager.dll serve ...`), optionally inside
/// a network namespace. Waits for its ready line, keeps its output for failure messages, and kills it
/// (the whole process tree) when disposed.
/// </summary>
public sealed class ManagerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ManagerProcess(Process process, string? netns)
    {
        _process = process;
        _netns = netns;
    }

    private readonly string? _netns;

    public IPEndPoint UdpEndPoint { get; private set; } = new(IPAddress.None, 0);
    public Uri? StatusUri { get; private set; }
    public int ProcessId => _process.Id;
    public bool HasExited => _process.HasExited;

    public string Output => string.Join('\n', _output);

    /// <summary>Every line the manager wrote (stdout and stderr) since it started, also those no longer kept in <see cref="Output"/>.</summary>
    public long OutputLines => Interlocked.Read(ref _outputLines);

    /// <summary>Characters (plus one per line end) of everything the manager wrote since it started.</summary>
    public long OutputBytes => Interlocked.Read(ref _outputBytes);

    private long _outputLines;
    private long _outputBytes;

    /// <summary>The manager's resident set size now (VmRSS of /proc/PID/status), in bytes.</summary>
    public long ResidentBytes()
    {
        foreach (string line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
            string kib = line["VmRSS:".Length..].Trim().Split(' ')[0];
            return long.Parse(kib, System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        throw new InvalidOperationException("no VmRSS for process " + _process.Id);
    }

    /// <summary>The manager built with these tests; UEFIRECOVERY_MANAGER_DLL runs the process tests against another build (e.g. an older one, to see a test fail there).</summary>
    public static string ManagerDll => Environment.GetEnvironmentVariable("UEFIRECOVERY_MANAGER_DLL") is { Length: > 0 } other
        ? other
        : Path.Combine(AppContext.BaseDirectory, "uefirecovery-manager.dll");

    /// <summary>Starts `serve` with <paramref name="arguments"/>; inside <paramref name="netns"/> when given (via `ip netns exec`).</summary>
    public static async Task<ManagerProcess> StartAsync(IEnumerable<string> arguments, string? netns = null, IDictionary<string, string>? environment = null, TimeSpan? readyTimeout = null)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (netns is not null)
        {
            start.FileName = "ip";
            foreach (string a in new[] { "netns", "exec", netns }) start.ArgumentList.Add(a);
            start.ArgumentList.Add(DotnetHost);
        }
        else
        {
            start.FileName = DotnetHost;
        }
        start.ArgumentList.Add(ManagerDll);
        start.ArgumentList.Add("serve");
        foreach (string a in arguments) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        if (environment is not null) foreach (var (k, v) in environment) start.Environment[k] = v;

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var manager = new ManagerProcess(process, netns);
        process.OutputDataReceived += (_, e) => manager.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => manager.OnLine(e.Data);
        process.Exited += (_, _) => manager._ready.TrySetException(new InvalidOperationException("manager exited before it was ready:\n" + manager.Output));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        string line = await manager._ready.Task.WaitAsync(readyTimeout ?? TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        manager.ParseReady(line);
        return manager;
    }

    /// <summary>The dotnet host running this test: the manager runs on the same runtime.</summary>
    public static string DotnetHost => Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";

    private void OnLine(string? line)
    {
        if (line is null) return;
        Interlocked.Increment(ref _outputLines);
        Interlocked.Add(ref _outputBytes, line.Length + 1);
        _output.Enqueue(line);
        while (_output.Count > 2000) _output.TryDequeue(out _);
        if (line.StartsWith("ready udp=", StringComparison.Ordinal)) _ready.TrySetResult(line);
    }

    private void ParseReady(string line)
    {
        // ready udp=127.0.0.1:40123 http=http://127.0.0.1:8480
        foreach (string part in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.StartsWith("udp=", StringComparison.Ordinal)) UdpEndPoint = IPEndPoint.Parse(part[4..]);
            if (part.StartsWith("http=http", StringComparison.Ordinal)) StatusUri = new Uri(part[5..].TrimEnd('/') + "/status");
        }
    }

    /// <summary>GET /status, parsed.</summary>
    public async Task<JsonDocument> GetStatusAsync()
    {
        if (StatusUri is null) throw new InvalidOperationException("status endpoint is off");
        if (_netns is not null)
        {
            // The endpoint is on the namespace's own loopback: ask from inside it.
            var run = await ProcessOutputAsync("ip", "netns", "exec", _netns, "curl", "-s", "--max-time", "10", StatusUri.ToString()).ConfigureAwait(false);
            return JsonDocument.Parse(run);
        }
        string json = await Http.GetStringAsync(StatusUri).ConfigureAwait(false);
        return JsonDocument.Parse(json);
    }

    // One client for all requests: the flood tests poll /status hundreds of times.
    private static readonly System.Net.Http.HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>traffic.datagramsReceived of GET /status: datagrams the manager has taken off its queue and handled.</summary>
    public async Task<long> DatagramsHandledAsync()
    {
        using JsonDocument status = await GetStatusAsync().ConfigureAwait(false);
        return status.RootElement.GetProperty("traffic").GetProperty("datagramsReceived").GetInt64();
    }

    private static async Task<string> ProcessOutputAsync(params string[] command)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, UseShellExecute = false };
        for (int i = 1; i < command.Length; i++) start.ArgumentList.Add(command[i]);
        using var process = Process.Start(start)!;
        string output = await process.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        await process.WaitForExitAsync().ConfigureAwait(false);
        return output;
    }

    /// <summary>SIGKILL: the crash case (no graceful shutdown, no ABORT sent).</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM and wait: the graceful case. Returns the exit code.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", new[] { "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            kill?.WaitForExit(5000);
        }
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
        }
        _process.Dispose();
    }
}
