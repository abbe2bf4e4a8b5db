using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using UefiRecovery.Manager.Serving.Results;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving;

/// <summary>
/// The real manager process and real simulated machines (the portable client engine) over 127.0.0.1,
/// unicast delivery: what can be proven without a network namespace.
/// </summary>
public sealed class LoopbackRecoveryTests
{
    [Fact]
    public async Task Serve_OneClientLossless_ImageIsByteExactAndResultRecorded()
    {
        using var folder = new TempFolder();
        string images = Directory.CreateDirectory(folder.Combine("images")).FullName;
        string capsule = await ManagerCli.PackCapsuleAsync(images, "fw.cap", 1 << 20, seed: 1, SharedFiles.TrustedPrivateKey);
        string results = folder.Combine("results.jsonl");
        await using var manager = await ManagerProcess.StartAsync(new[]
        {
            "--images", images, "--listen", "127.0.0.1:0", "--delivery", "unicast", "--trusted", SharedFiles.TrustedPublicKey,
            "--results", results, "--status-http", "127.0.0.1:0", "--gather", "0.2",
        });

        var (run, report) = await ManagerCli.SimulateAsync(new[]
        {
            "--clients", "1", "--manager", manager.UdpEndPoint.ToString(), "--bind", "127.0.0.1", "--client-port", "0",
            "--trusted", SharedFiles.TrustedPublicKey, "--out", folder.Combine("out"), "--timeout", "120",
        }, folder.Combine("report.json"));

        Assert.True(run.ExitCode == 0, run.Stderr + "\n--- manager ---\n" + manager.Output);
        JsonElement client = report!.RootElement.GetProperty("results")[0];
        Assert.True(client.GetProperty("succeeded").GetBoolean());
        Assert.Equal(File.ReadAllBytes(capsule), File.ReadAllBytes(client.GetProperty("outputFile").GetString()!));

        string[] lines = File.ReadAllLines(results);
        ResultRecord record = Assert.Single(lines.Select(l => ResultLog.ParseLine(l)!));
        Assert.Equal("success", record.Outcome);
        Assert.Equal(client.GetProperty("clientId").GetString(), record.ClientId);
        // A clean transfer can end before any status round: the record still says what the machine held.
        Assert.Equal(client.GetProperty("fragmentCount").GetInt64(), record.FragmentsReceived);

        using JsonDocument status = await manager.GetStatusAsync();
        JsonElement session = Assert.Single(status.RootElement.GetProperty("sessions").EnumerateArray());
        Assert.Equal(0, session.GetProperty("repairRounds").GetInt32());
        Assert.Equal("Reported", session.GetProperty("clients")[0].GetProperty("state").GetString());
    }

    [Fact]
    public async Task Serve_SeededFaultsOnBothSides_ImageIsByteExactAndFaultsWereInjected()
    {
        using var folder = new TempFolder();
        string images = Directory.CreateDirectory(folder.Combine("images")).FullName;
        string capsule = await ManagerCli.PackCapsuleAsync(images, "fw.cap", 2 << 20, seed: 30, SharedFiles.TrustedPrivateKey);
        await using var manager = await ManagerProcess.StartAsync(new[]
        {
            "--images", images, "--listen", "127.0.0.1:0", "--delivery", "unicast", "--trusted", SharedFiles.TrustedPublicKey,
            "--results", folder.Combine("results.jsonl"), "--status-http", "127.0.0.1:0", "--gather", "0.2",
            "--faults", "drop=0.03,corrupt=0.02,duplicate=0.02,reorder=0.02,seed=5",
        });

        var (run, report) = await ManagerCli.SimulateAsync(new[]
        {
            "--clients", "2", "--manager", manager.UdpEndPoint.ToString(), "--bind", "127.0.0.1", "--client-port", "0",
            "--trusted", SharedFiles.TrustedPublicKey, "--out", folder.Combine("out"), "--timeout", "120",
            "--faults", "drop=0.03,corrupt=0.01,duplicate=0.02,reorder=0.02,seed=6",
        }, folder.Combine("report.json"));

        Assert.True(run.ExitCode == 0, run.Stderr + "\n--- manager ---\n" + manager.Output);
        foreach (JsonElement client in report!.RootElement.GetProperty("results").EnumerateArray())
        {
            Assert.Equal(File.ReadAllBytes(capsule), File.ReadAllBytes(client.GetProperty("outputFile").GetString()!));
            Assert.True(client.GetProperty("injectedDuplicates").GetInt64() > 0 && client.GetProperty("injectedReorders").GetInt64() > 0);
            Assert.True(client.GetProperty("duplicateFragments").GetInt64() > 0, "duplicates must be recognised and ignored");
        }
        using JsonDocument status = await manager.GetStatusAsync();
        JsonElement reasons = status.RootElement.GetProperty("traffic").GetProperty("rejectReasons");
        foreach (string fault in new[] { "injected-drop", "injected-corrupt", "injected-duplicate", "injected-reorder" })
            Assert.True(reasons.GetProperty(fault).GetInt64() > 0, fault);
        Assert.All(status.RootElement.GetProperty("sessions").EnumerateArray(), s => Assert.True(s.GetProperty("repairRounds").GetInt32() >= 1));
    }

    [Fact]
    public async Task Serve_FecWithSeededLoss_RepairedByParityAloneImageByteExact()
    {
        // docs/protocol.md §5.5 end to end: the real manager with --fec, the real client engine decoding.
        using var folder = new TempFolder();
        string images = Directory.CreateDirectory(folder.Combine("images")).FullName;
        string capsule = await ManagerCli.PackCapsuleAsync(images, "fw.cap", 2 << 20, seed: 31, SharedFiles.TrustedPrivateKey);
        await using var manager = await ManagerProcess.StartAsync(new[]
        {
            "--images", images, "--listen", "127.0.0.1:0", "--delivery", "unicast", "--trusted", SharedFiles.TrustedPublicKey,
            "--results", folder.Combine("results.jsonl"), "--status-http", "127.0.0.1:0", "--gather", "0.2", "--fec", "true",
        });

        var (run, report) = await ManagerCli.SimulateAsync(new[]
        {
            "--clients", "2", "--manager", manager.UdpEndPoint.ToString(), "--bind", "127.0.0.1", "--client-port", "0",
            "--trusted", SharedFiles.TrustedPublicKey, "--out", folder.Combine("out"), "--timeout", "120",
            "--faults", "drop=0.05,seed=7",
        }, folder.Combine("report.json"));

        Assert.True(run.ExitCode == 0, run.Stderr + "\n--- manager ---\n" + manager.Output);
        foreach (JsonElement client in report!.RootElement.GetProperty("results").EnumerateArray())
        {
            Assert.Equal(File.ReadAllBytes(capsule), File.ReadAllBytes(client.GetProperty("outputFile").GetString()!));
            Assert.True(client.GetProperty("injectedDrops").GetInt64() > 0);
        }
        using JsonDocument status = await manager.GetStatusAsync();
        foreach (JsonElement session in status.RootElement.GetProperty("sessions").EnumerateArray())
        {
            Assert.True(session.GetProperty("repairRounds").GetInt32() >= 1);
            Assert.True(session.GetProperty("parityBytesSent").GetInt64() > 0, "repairs went out as parity");
            // No fragment was sent twice: every repair was parity.
            Assert.Equal(session.GetProperty("fragmentCount").GetInt64(), session.GetProperty("dataDatagramsSent").GetInt64());
        }
    }
}
