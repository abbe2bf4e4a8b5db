using System;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Tasks;
using UefiRecovery.Manager.Hostile;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;
using static UefiRecovery.Manager.Tests.Serving.NamespaceTestHelpers;

namespace UefiRecovery.Manager.Tests.Serving;

/// <summary>The donor treats every datagram as hostile: a flood of mutated messages neither crashes it nor disturbs a session.</summary>
public sealed class HostileDatagramTests
{
    private const int HostileCount = 100_000;

    private static async Task<long> ProcessedAsync(ManagerProcess manager)
    {
        using JsonDocument status = await manager.GetStatusAsync();
        return status.RootElement.GetProperty("traffic").GetProperty("datagramsReceived").GetInt64();
    }

    [Fact]
    public async Task Serve_HundredThousandMutatedDatagramsDuringASession_NoCrashAndImagesStayByteExact()
    {
        using var folder = new TempFolder();
        string images = Directory.CreateDirectory(folder.Combine("images")).FullName;
        string capsule = await ManagerCli.PackCapsuleAsync(images, "fw.cap", 4 << 20, seed: 12, SharedFiles.TrustedPrivateKey);
        string results = folder.Combine("results.jsonl");
        await using var manager = await ManagerProcess.StartAsync(new[]
        {
            "--images", images, "--listen", "127.0.0.1:0", "--delivery", "unicast", "--trusted", SharedFiles.TrustedPublicKey,
            "--results", results, "--status-http", "127.0.0.1:0", "--gather", "0.2", "--rate", "20",
        });
        string[] machine = { "--clients", "1", "--manager", manager.UdpEndPoint.ToString(), "--bind", "127.0.0.1", "--client-port", "0",
            "--trusted", SharedFiles.TrustedPublicKey, "--timeout", "180" };

        var during = ManagerCli.SimulateAsync(machine.Concat(new[] { "--out", folder.Combine("out1") }), folder.Combine("r1.json"));
        JsonElement live = await WaitForSessionAsync(manager, s => s.GetProperty("state").GetString() == "Sending", TimeSpan.FromSeconds(60));
        ulong imageId;
        using (JsonDocument status = await manager.GetStatusAsync())
            imageId = Convert.ToUInt64(status.RootElement.GetProperty("images")[0].GetProperty("sha256").GetString()![..16], 16);
        var hostile = new HostileDatagrams(seed: 99, live.GetProperty("sessionId").GetUInt32(), imageId, Guid.Parse(SharedFiles.ImageType));

        // Send until the donor has processed (not merely been sent) 100,000+ hostile datagrams: on a busy
        // host the kernel may drop some before the donor reads them, and those would prove nothing.
        long baseline = await ProcessedAsync(manager);
        int sent = 0;
        using (var socket = new UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0)))
        {
            while (await ProcessedAsync(manager) - baseline < HostileCount && sent < 4 * HostileCount)
            {
                for (int i = 0; i < 5000; i++, sent++)
                {
                    await socket.SendAsync(hostile.Next(), manager.UdpEndPoint);
                    if (i % 256 == 255) await Task.Delay(1); // let the donor keep up
                }
            }
        }
        Assert.True(await ProcessedAsync(manager) - baseline >= HostileCount, $"donor processed too few of {sent} sent");
        var (run1, report1) = await during;
        Assert.False(manager.HasExited, manager.Output);
        // After the flood the donor still serves a new machine correctly.
        var (run2, report2) = await ManagerCli.SimulateAsync(machine.Concat(new[] { "--out", folder.Combine("out2"), "--mac-base", "020000000201" }), folder.Combine("r2.json"));

        Assert.True(run1.ExitCode == 0 && run2.ExitCode == 0, run1.Stderr + run2.Stderr + "\n--- manager ---\n" + manager.Output);
        AssertByteExact(capsule, Clients(report1)[0]);
        AssertByteExact(capsule, Clients(report2)[0]);
        using JsonDocument after = await manager.GetStatusAsync();
        JsonElement traffic = after.RootElement.GetProperty("traffic");
        Assert.True(traffic.GetProperty("datagramsReceived").GetInt64() >= 100_000, traffic.ToString());
        Assert.True(traffic.GetProperty("datagramsRejected").GetInt64() >= 50_000, traffic.ToString());
        JsonElement reasons = traffic.GetProperty("rejectReasons");
        Assert.False(reasons.TryGetProperty("internal-error", out _), traffic.ToString());
        // The flood reached every layer: the frame checks, the CRC, and the message parsers behind them.
        var names = reasons.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("BadChecksum", names);
        Assert.Contains("Truncated", names);
        Assert.Contains(names, n => n.StartsWith("STATUS:", StringComparison.Ordinal));
        Assert.Contains(names, n => n.StartsWith("REQUEST:", StringComparison.Ordinal));
        Assert.Contains(names, n => n.StartsWith("ACCEPT:", StringComparison.Ordinal));
        Assert.False(manager.HasExited);
        var successes = ReadResults(results).Where(r => r.Outcome == "success").Select(r => r.ClientId).ToHashSet();
        Assert.Contains(Clients(report1)[0].GetProperty("clientId").GetString()!, successes);
        Assert.Contains(Clients(report2)[0].GetProperty("clientId").GetString()!, successes);
    }
}
