using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Tasks;

namespace UefiRecovery.Manager.Benchmarking;

/// <summary>
/// The `benchmark` run: one private network (namespaces on a bridge), one signed image, and side by side
/// on the same links: this protocol to 1 and to N machines, uftp (multicast) and TFTP (tftpd-hpa + atftp,
/// blksize 1468) to the same receivers, lossless and with kernel loss (nftables), plus the repair cost of
/// this protocol at several loss rates. Prints a table and writes a JSON report.
/// </summary>
public sealed class BenchmarkRunner(BenchmarkOptions options, TextWriter log)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(10);
    private readonly List<BenchmarkFigure> _figures = new();
    private string _work = "";
    private string _capsule = "";
    private string _publicKey = "";
    private byte[] _capsuleBytes = Array.Empty<byte>();
    private NetworkLab _lab = null!;
    private NetworkLab.Member _server = null!;
    private NetworkLab.Member _machines = null!;
    private ChildProcess? _serve;
    private string _statusUrl = "";

    public async Task<BenchmarkReport> RunAsync()
    {
        _work = options.WorkFolder ?? Path.Combine(Path.GetTempPath(), "mgr-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_work);
        await using var lab = await NetworkLab.CreateAsync().ConfigureAwait(false);
        _lab = lab;
        _server = await lab.AddMemberAsync("s").ConfigureAwait(false);
        _machines = await lab.AddMemberAsync("c").ConfigureAwait(false);
        await MakeImageAsync().ConfigureAwait(false);
        try
        {
            await StartServeAsync().ConfigureAwait(false);

            var oursOne = await OursAsync(1, 0, kernelLoss: false).ConfigureAwait(false);
            var oursMany = await OursAsync(options.Clients, 0, kernelLoss: false).ConfigureAwait(false);
            var oursOneAt1 = await OursAsync(1, 1, kernelLoss: true).ConfigureAwait(false);
            foreach (double loss in options.LossPercents.Where(l => l > 0))
                await OursAsync(options.Clients, loss, kernelLoss: false).ConfigureAwait(false);

            BenchmarkFigure? uftp0 = null, uftp1 = null, tftp0 = null, tftp1 = null, tftpMany = null;
            if (!options.SkipUftp)
            {
                uftp0 = await UftpAsync(0).ConfigureAwait(false);
                uftp1 = await UftpAsync(1).ConfigureAwait(false);
            }
            if (!options.SkipTftp)
            {
                tftp0 = await TftpAsync(1, 0).ConfigureAwait(false);
                tftp1 = await TftpAsync(1, 1).ConfigureAwait(false);
                tftpMany = await TftpAsync(options.Clients, 0).ConfigureAwait(false);
            }
            return new BenchmarkReport(_capsuleBytes.LongLength, options.RateMbitPerSecond, options.Clients, _figures,
                Ratio(oursMany, oursOne), Ratio(oursOne, uftp0), Ratio(oursOneAt1, uftp1), Ratio(oursOne, tftp0), Ratio(oursOneAt1, tftp1),
                Ratio(oursMany, tftpMany), Environment.ProcessorCount + " cores, load " + LoadAverage());
        }
        finally
        {
            _serve?.Dispose();
            if (options.WorkFolder is null)
            {
                try { Directory.Delete(_work, recursive: true); } catch (IOException) { }
            }
        }
    }

    // Every receiver (ours, uftpd, atftp) runs at nice 10: on one host the N simulated machines must not
    // starve the sender of CPU, which on a real network has a machine of its own.
    private static IEnumerable<string> Receiver(IEnumerable<string> command) => new[] { "nice", "-n", "10" }.Concat(command);

    private static double? Ratio(BenchmarkFigure? ours, BenchmarkFigure? theirs) =>
        ours is null || theirs is null || theirs.WallSeconds <= 0 ? null : ours.WallSeconds / theirs.WallSeconds;

    private static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; }
        catch (IOException) { return "?"; }
    }

    // A fresh RSA-2048 key signs a seeded random payload with this manager's own `image pack`.
    private async Task MakeImageAsync()
    {
        string images = Directory.CreateDirectory(Path.Combine(_work, "images")).FullName;
        string privateKey = Path.Combine(_work, "bench-key.pem");
        _publicKey = Path.Combine(_work, "bench-key.pub.pem");
        using (RSA rsa = RSA.Create(2048))
        {
            await File.WriteAllTextAsync(privateKey, rsa.ExportPkcs8PrivateKeyPem()).ConfigureAwait(false);
            await File.WriteAllTextAsync(_publicKey, rsa.ExportSubjectPublicKeyInfoPem()).ConfigureAwait(false);
        }
        string payload = Path.Combine(_work, "payload.bin");
        var bytes = new byte[options.ImageBytes];
        new Random(20261121).NextBytes(bytes);
        await File.WriteAllBytesAsync(payload, bytes).ConfigureAwait(false);
        _capsule = Path.Combine(images, "fw.cap");
        var pack = await ChildProcess.RunAsync(null, ChildProcess.Self().Concat(new[]
        {
            "image", "pack", "--payload", payload, "--image-type", BenchmarkOptions.ImageType, "--version", "0x10002", "--lsv", "0x10000",
            "--key", privateKey, "-o", _capsule,
        }), RunTimeout).ConfigureAwait(false);
        if (pack.ExitCode != 0) throw new InvalidOperationException("image pack failed:\n" + pack.Output);
        File.Delete(payload);
        _capsuleBytes = await File.ReadAllBytesAsync(_capsule).ConfigureAwait(false);
        log.WriteLine($"image: {_capsuleBytes.Length} bytes (signed capsule of a {options.ImageBytes}-byte payload)");
    }

    private async Task StartServeAsync()
    {
        _serve = ChildProcess.Start(_server.Namespace, ChildProcess.Self().Concat(new[]
        {
            "serve", "--images", Path.GetDirectoryName(_capsule)!, "--listen", "0.0.0.0:40123", "--delivery", "broadcast",
            "--destination", _lab.BroadcastAddress, "--trusted", _publicKey, "--status-http", "127.0.0.1:0",
            "--results", Path.Combine(_work, "results.jsonl"), "--gather", "0.2",
            "--rate", options.RateMbitPerSecond.ToString(CultureInfo.InvariantCulture), "--live", "false",
        }));
        string ready = await _serve.WaitForLineAsync("ready udp=", TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        _statusUrl = ready[(ready.IndexOf("http=", StringComparison.Ordinal) + 5)..].TrimEnd('/') + "/status";
    }

    private async Task<BenchmarkFigure> OursAsync(int clients, double lossPercent, bool kernelLoss)
    {
        string label = $"ours-{clients}-{lossPercent.ToString(CultureInfo.InvariantCulture)}{(kernelLoss ? "k" : "")}";
        if (kernelLoss && lossPercent > 0) await NetworkLab.AddInboundLossAsync(_machines, _server.Address, (int)(lossPercent * 10)).ConfigureAwait(false);
        try
        {
            string report = Path.Combine(_work, label + ".json");
            var args = Receiver(ChildProcess.Self()).Concat(new[]
            {
                "simulate", "--clients", clients.ToString(CultureInfo.InvariantCulture), "--manager", _server.Address + ":40123",
                "--bind", _machines.Address, "--delivery-modes", "broadcast", "--offer-window", "0.1",
                "--report", report, "--timeout", RunTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture), "--seed", "7",
            }).ToList();
            if (!kernelLoss && lossPercent > 0)
            {
                args.Add("--faults");
                args.Add(string.Create(CultureInfo.InvariantCulture, $"drop={lossPercent / 100},seed=5"));
            }
            var run = await ChildProcess.RunAsync(_machines.Namespace, args, RunTimeout + TimeSpan.FromMinutes(1)).ConfigureAwait(false);
            using JsonDocument doc = JsonDocument.Parse(await File.ReadAllTextAsync(report).ConfigureAwait(false));
            var results = doc.RootElement.GetProperty("results").EnumerateArray().ToList();
            string sha = Convert.ToHexStringLower(SHA256.HashData(_capsuleBytes));
            bool exact = run.ExitCode == 0 && results.All(r => r.GetProperty("succeeded").GetBoolean() && r.GetProperty("imageSha256").GetString() == sha);
            double wall = doc.RootElement.GetProperty("wallSeconds").GetDouble();
            uint sessionId = results[0].GetProperty("sessionId").GetUInt32();
            (double sentRatio, int rounds, double donorRate) = await SessionCostAsync(sessionId).ConfigureAwait(false);
            var figure = new BenchmarkFigure("ours (broadcast)", clients, lossPercent, lossPercent == 0 ? "none" : kernelLoss ? "kernel nftables, shared" : "per machine, seeded",
                wall, _capsuleBytes.Length / wall / 1e6, exact, sentRatio, rounds,
                string.Create(CultureInfo.InvariantCulture, $"donor DATA rate while sending {donorRate:0.00} MB/s; ") + "wall = machines start .. last RESULT acknowledged (discovery, 0.1 s offer window and the SHA-256 image-id check included; capsule signature checks are left to the tests so 20 simulated machines on one host measure the protocol, not 20 RSA/SHA passes)");
            Add(figure);
            return figure;
        }
        finally
        {
            if (kernelLoss && lossPercent > 0) await NetworkLab.RemoveInboundLossAsync(_machines).ConfigureAwait(false);
        }
    }

    // DATA bytes (headers included) the donor sent for the session, per image byte, and its repair rounds.
    private async Task<(double SentRatio, int Rounds, double DonorRate)> SessionCostAsync(uint sessionId)
    {
        var curl = await ChildProcess.RunAsync(_server.Namespace, new[] { "curl", "-s", "--max-time", "10", _statusUrl }, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        using JsonDocument status = JsonDocument.Parse(curl.Output);
        foreach (var session in status.RootElement.GetProperty("sessions").EnumerateArray())
        {
            if (session.GetProperty("sessionId").GetUInt32() != sessionId) continue;
            return (session.GetProperty("dataBytesSent").GetInt64() / (double)_capsuleBytes.Length, session.GetProperty("repairRounds").GetInt32(),
                session.GetProperty("throughputMBytesPerSecond").GetDouble());
        }
        return (double.NaN, -1, double.NaN);
    }

    private async Task<BenchmarkFigure> UftpAsync(double lossPercent)
    {
        string outDir = Directory.CreateDirectory(Path.Combine(_work, "uftp-out-" + lossPercent.ToString(CultureInfo.InvariantCulture))).FullName;
        string tempDir = Directory.CreateDirectory(Path.Combine(_work, "uftp-tmp")).FullName;
        if (lossPercent > 0) await NetworkLab.AddInboundLossAsync(_machines, _server.Address, (int)(lossPercent * 10)).ConfigureAwait(false);
        using var daemon = ChildProcess.Start(_machines.Namespace, Receiver(new[] { "uftpd", "-d", "-D", outDir, "-T", tempDir, "-I", _machines.Interface, "-x", "1" }));
        try
        {
            await Task.Delay(500).ConfigureAwait(false);
            string rateKbps = ((long)(options.RateMbitPerSecond * 1000)).ToString(CultureInfo.InvariantCulture);
            var run = await ChildProcess.RunAsync(_server.Namespace, new[] { "uftp", "-I", _server.Interface, "-R", rateKbps, "-x", "1", "fw.cap" },
                RunTimeout, Path.GetDirectoryName(_capsule)).ConfigureAwait(false);
            string received = Path.Combine(outDir, "fw.cap");
            bool exact = run.ExitCode == 0 && File.Exists(received) && File.ReadAllBytes(received).AsSpan().SequenceEqual(_capsuleBytes);
            double wall = run.Elapsed.TotalSeconds;
            var figure = new BenchmarkFigure("uftp 4.10 (multicast)", 1, lossPercent, lossPercent == 0 ? "none" : "kernel nftables", wall,
                _capsuleBytes.Length / wall / 1e6, exact, null, null, "wall = uftp process (announce, register, transfer, completion); -R " + rateKbps + " Kbit/s");
            Add(figure);
            return figure;
        }
        finally
        {
            daemon.Stop();
            if (lossPercent > 0) await NetworkLab.RemoveInboundLossAsync(_machines).ConfigureAwait(false);
        }
    }

    private async Task<BenchmarkFigure> TftpAsync(int clients, double lossPercent)
    {
        string outDir = Directory.CreateDirectory(Path.Combine(_work, $"tftp-out-{clients}-{lossPercent.ToString(CultureInfo.InvariantCulture)}")).FullName;
        if (lossPercent > 0) await NetworkLab.AddInboundLossAsync(_machines, _server.Address, (int)(lossPercent * 10)).ConfigureAwait(false);
        // -T 100000: first retransmission after 100 ms (default 1 s), a fair setting for a LAN.
        using var daemon = ChildProcess.Start(_server.Namespace, new[] { "/usr/sbin/in.tftpd", "-L", "-s", Path.GetDirectoryName(_capsule)!, "-a", _server.Address + ":69", "-T", "100000" });
        try
        {
            await Task.Delay(300).ConfigureAwait(false);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var runs = Enumerable.Range(0, clients).Select(i => ChildProcess.RunAsync(_machines.Namespace,
                Receiver(new[] { "atftp", "--option", "blksize 1468", "-g", "-r", "fw.cap", "-l", Path.Combine(outDir, i.ToString(CultureInfo.InvariantCulture) + ".bin"), _server.Address }),
                RunTimeout)).ToList();
            var done = await Task.WhenAll(runs).ConfigureAwait(false);
            double wall = clock.Elapsed.TotalSeconds;
            bool exact = done.All(d => d.ExitCode == 0) && Enumerable.Range(0, clients).All(i =>
                File.ReadAllBytes(Path.Combine(outDir, i.ToString(CultureInfo.InvariantCulture) + ".bin")).AsSpan().SequenceEqual(_capsuleBytes));
            var figure = new BenchmarkFigure("TFTP (tftpd-hpa + atftp, blksize 1468)", clients, lossPercent, lossPercent == 0 ? "none" : "kernel nftables", wall,
                _capsuleBytes.Length / wall / 1e6, exact, null, null, clients == 1 ? "unpaced lock-step; server retransmit 100 ms" : clients + " transfers in parallel");
            Add(figure);
            return figure;
        }
        finally
        {
            daemon.Stop();
            if (lossPercent > 0) await NetworkLab.RemoveInboundLossAsync(_machines).ConfigureAwait(false);
        }
    }

    private void Add(BenchmarkFigure figure)
    {
        _figures.Add(figure);
        string line = string.Create(CultureInfo.InvariantCulture,
            $"{figure.Tool,-40} clients {figure.Clients,3}  loss {figure.LossPercent,4}% ({figure.LossKind,-26}) wall {figure.WallSeconds,7:0.00} s  {figure.MegabytesPerSecond,7:0.00} MB/s  byte-exact {(figure.AllByteExact ? "yes" : "NO")}");
        if (figure.BytesSentPerImageByte is { } ratio)
            line += string.Create(CultureInfo.InvariantCulture, $"  sent/image {ratio:0.000}  repair rounds {figure.RepairRounds}  ({figure.Note[..figure.Note.IndexOf(';')]})");
        log.WriteLine(line);
    }
}
