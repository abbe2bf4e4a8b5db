using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using UefiRecovery.Manager.Benchmarking;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;
using static UefiRecovery.Manager.Tests.Serving.NamespaceTestHelpers;

namespace UefiRecovery.Manager.Tests.Serving;

/// <summary>
/// The real manager and real simulated machines in their own network namespaces on a bridge, with
/// broadcast delivery as on a management LAN. Needs root (ip netns).
/// </summary>
public sealed class NamespaceRecoveryTests
{
    private const int ImageBytes = 4 << 20;

    [Fact]
    public async Task Serve_TwentyClientsWithIndependentLossAndCorruption_AllByteExactInOneSession()
    {
        using var folder = new TempFolder();
        await using var lab = await NetworkLab.CreateAsync();
        var donor = await lab.AddMemberAsync("s");
        var machines = await lab.AddMemberAsync("c");
        string images = Directory.CreateDirectory(folder.Combine("images")).FullName;
        string capsule = await ManagerCli.PackCapsuleAsync(images, "fw.cap", ImageBytes, seed: 2, SharedFiles.TrustedPrivateKey);
        string results = folder.Combine("results.jsonl");
        await using var manager = await StartDonorAsync(lab, donor, images, results, SharedFiles.TrustedPublicKey);

        // Each machine drops 5% and corrupts 1% of what it receives, from its own seeded stream.
        var (run, report) = await ManagerCli.SimulateAsync(
            MachineArgs(machines, 20, folder.Combine("out"), donor.Address, faults: "drop=0.05,corrupt=0.01,seed=11"),
            folder.Combine("report.json"), machines.Namespace);

        Assert.True(run.ExitCode == 0, run.Stderr + "\n--- manager ---\n" + manager.Output);
        var clients = Clients(report);
        Assert.Equal(20, clients.Count);
        foreach (var client in clients)
        {
            AssertByteExact(capsule, client);
            Assert.True(client.GetProperty("injectedDrops").GetInt64() > 0);
            Assert.True(client.GetProperty("injectedCorruptions").GetInt64() > 0);
            Assert.True(client.GetProperty("corruptedFragments").GetInt64() > 0, "corruption must be detected by the CRC and counted");
        }
        var records = ReadResults(results);
        Assert.Equal(20, records.Count(r => r.Outcome == "success"));
        Assert.Single(records.Select(r => r.SessionId).Distinct());
        var sessions = await SessionsAsync(manager);
        JsonElement session = Assert.Single(sessions);
        Assert.Equal(20, session.GetProperty("clients").GetArrayLength());
        Assert.True(session.GetProperty("repairRounds").GetInt32() >= 1);
    }

    /// <summary>
    /// `simulate --shared-group-socket` (one socket whose batches every engine takes in turn): the engines
    /// still see their own seeded loss and corruption, detect it, and end byte-exact in one session.
    /// </summary>
    [Fact]
    public async Task Simulate_SharedGroupSocketWithIndependentLossAndCorruption_AllByteExactInOneSession()
    {
        using var folder = new TempFolder();
        await using var lab = await NetworkLab.CreateAsync();
        var donor = await lab.AddMemberAsync("s");
        var machines = await lab.AddMemberAsync("c");
        string images = Directory.CreateDirectory(folder.Combine("images")).FullName;
        string capsule = await ManagerCli.PackCapsuleAsync(images, "fw.cap", ImageBytes, seed: 4, SharedFiles.TrustedPrivateKey);
        string results = folder.Combine("results.jsonl");
        await using var manager = await StartDonorAsync(lab, donor, images, results, SharedFiles.TrustedPublicKey);

        var args = MachineArgs(machines, 8, folder.Combine("out"), donor.Address, faults: "drop=0.05,corrupt=0.01,seed=12");
        args.Add("--shared-group-socket");
        var (run, report) = await ManagerCli.SimulateAsync(args, folder.Combine("report.json"), machines.Namespace);

        Assert.True(run.ExitCode == 0, run.Stderr + "\n--- manager ---\n" + manager.Output);
        var clients = Clients(report);
        Assert.Equal(8, clients.Count);
        var drops = new System.Collections.Generic.HashSet<long>();
        foreach (var client in clients)
        {
            AssertByteExact(capsule, client);
            Assert.True(client.GetProperty("corruptedFragments").GetInt64() > 0, "corruption must be detected by each engine's CRC");
            drops.Add(client.GetProperty("injectedDrops").GetInt64());
        }
        Assert.True(drops.Count > 1, "each machine rolls its own faults");
        var records = ReadResults(results);
        Assert.Equal(8, records.Count(r => r.Outcome == "success"));
        Assert.Single(records.Select(r => r.SessionId).Distinct());
    }

    [Fact]
    public async Task Serve_ClientJoinsMidStream_CompletesWithoutSessionRestart()
    {
        using var folder = new TempFolder();
        await using var lab = await NetworkLab.CreateAsync();
        var donor = await lab.AddMemberAsync("s");
        var machines = await lab.AddMemberAsync("c");
        string images = Directory.CreateDirectory(folder.Combine("images")).FullName;
        string capsule = await ManagerCli.PackCapsuleAsync(images, "fw.cap", ImageBytes, seed: 3, SharedFiles.TrustedPrivateKey);
        string results = folder.Combine("results.jsonl");
        // 10 Mbit/s: the first pass takes about 3.5 s, long enough to join in the middle of it.
        await using var manager = await StartDonorAsync(lab, donor, images, results, SharedFiles.TrustedPublicKey, rateMbit: 10);

        var first = ManagerCli.SimulateAsync(MachineArgs(machines, 1, folder.Combine("out1"), donor.Address), folder.Combine("r1.json"), machines.Namespace);
        JsonElement running = await WaitForSessionAsync(manager,
            s => s.GetProperty("state").GetString() == "Sending" && s.GetProperty("dataDatagramsSent").GetInt64() > s.GetProperty("fragmentCount").GetInt64() / 3,
            TimeSpan.FromSeconds(60));
        var second = ManagerCli.SimulateAsync(MachineArgs(machines, 1, folder.Combine("out2"), donor.Address, macBase: "020000000101"), folder.Combine("r2.json"), machines.Namespace);
        var (run1, report1) = await first;
        var (run2, report2) = await second;

        Assert.True(run1.ExitCode == 0 && run2.ExitCode == 0, run1.Stderr + run2.Stderr + "\n--- manager ---\n" + manager.Output);
        AssertByteExact(capsule, Clients(report1)[0]);
        AssertByteExact(capsule, Clients(report2)[0]);
        var records = ReadResults(results);
        Assert.Equal(2, records.Count(r => r.Outcome == "success"));
        Assert.All(records, r => Assert.Equal(running.GetProperty("sessionId").GetUInt32(), r.SessionId));
        // No restart: pass 0 ran once; the late joiner's part came back as a repair pass, so the DATA sent
        // is less than two full passes, and the manager logged a single start of pass 0.
        JsonElement session = Assert.Single(await SessionsAsync(manager));
        long fragments = session.GetProperty("fragmentCount").GetInt64();
        long sent = session.GetProperty("dataDatagramsSent").GetInt64();
        Assert.True(sent < 2 * fragments, $"sent {sent} DATA for {fragments} fragments");
        Assert.True(session.GetProperty("repairRounds").GetInt32() >= 1);
        Assert.Equal(1, manager.Output.Split('\n').Count(l => l.Contains("Gathering -> Sending", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Serve_ManagerKilledMidSessionAndRestarted_ClientsResumeFromHeldFragments()
    {
        using var folder = new TempFolder();
        await using var lab = await NetworkLab.CreateAsync();
        var donor = await lab.AddMemberAsync("s");
        var machines = await lab.AddMemberAsync("c");
        string images = Directory.CreateDirectory(folder.Combine("images")).FullName;
        string capsule = await ManagerCli.PackCapsuleAsync(images, "fw.cap", ImageBytes, seed: 4, SharedFiles.TrustedPrivateKey);
        string results = folder.Combine("results.jsonl");
        var firstManager = await StartDonorAsync(lab, donor, images, results, SharedFiles.TrustedPublicKey, rateMbit: 10);
        long fragments;
        var machinesRun = ManagerCli.SimulateAsync(MachineArgs(machines, 3, folder.Combine("out"), donor.Address), folder.Combine("report.json"), machines.Namespace);
        try
        {
            JsonElement running = await WaitForSessionAsync(firstManager,
                s => s.GetProperty("state").GetString() == "Sending" && s.GetProperty("dataDatagramsSent").GetInt64() > s.GetProperty("fragmentCount").GetInt64() / 2,
                TimeSpan.FromSeconds(60));
            fragments = running.GetProperty("fragmentCount").GetInt64();
            firstManager.Kill(); // SIGKILL: no ABORT, no goodbye
        }
        finally
        {
            await firstManager.DisposeAsync();
        }

        await using var secondManager = await StartDonorAsync(lab, donor, images, results, SharedFiles.TrustedPublicKey, rateMbit: 10);
        var (run, report) = await machinesRun;

        Assert.True(run.ExitCode == 0, run.Stderr + "\n--- second manager ---\n" + secondManager.Output);
        foreach (var client in Clients(report))
        {
            AssertByteExact(capsule, client);
            Assert.True(client.GetProperty("sessionsAborted").GetInt32() + client.GetProperty("sessionsLost").GetInt32() >= 1);
        }
        Assert.Equal(3, ReadResults(results).Count(r => r.Outcome == "success"));
        // Resumed, not restarted: the new manager sent fewer DATA than one full pass.
        JsonElement session = Assert.Single(await SessionsAsync(secondManager));
        long sent = session.GetProperty("dataDatagramsSent").GetInt64();
        Assert.True(sent < fragments, $"restarted manager sent {sent} DATA for {fragments} fragments");
    }

    [Fact]
    public async Task Serve_MulticastDelivery_ClientsJoinGroupAndRecoverByteExact()
    {
        using var folder = new TempFolder();
        await using var lab = await NetworkLab.CreateAsync();
        var donor = await lab.AddMemberAsync("s");
        var machines = await lab.AddMemberAsync("c");
        string images = Directory.CreateDirectory(folder.Combine("images")).FullName;
        string capsule = await ManagerCli.PackCapsuleAsync(images, "fw.cap", 2 << 20, seed: 13, SharedFiles.TrustedPrivateKey);
        string results = folder.Combine("results.jsonl");
        await using var manager = await ManagerProcess.StartAsync(new[]
        {
            "--images", images, "--listen", donor.Address + ":" + DonorPort, "--delivery", "multicast", "--destination", "239.255.40.124",
            "--trusted", SharedFiles.TrustedPublicKey, "--results", results, "--status-http", "127.0.0.1:0", "--gather", "0.5",
        }, donor.Namespace);

        var args = MachineArgs(machines, 3, folder.Combine("out"), donor.Address);
        args[args.IndexOf("broadcast")] = "multicast";
        var (run, report) = await ManagerCli.SimulateAsync(args, folder.Combine("report.json"), machines.Namespace);

        Assert.True(run.ExitCode == 0, run.Stderr + "\n--- manager ---\n" + manager.Output);
        foreach (var client in Clients(report)) AssertByteExact(capsule, client);
        JsonElement session = Assert.Single(await SessionsAsync(manager));
        Assert.Equal(3, session.GetProperty("clients").GetArrayLength());
        Assert.Contains("(Multicast)", manager.Output, StringComparison.Ordinal);
    }
}
