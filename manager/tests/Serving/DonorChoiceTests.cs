using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.Manager.Benchmarking;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;
using static UefiRecovery.Manager.Tests.Serving.NamespaceTestHelpers;

namespace UefiRecovery.Manager.Tests.Serving;

/// <summary>
/// Several donors on one segment answer a broadcast DISCOVER (seed claims 002/003): the machines pick
/// one by the documented policy (docs/protocol.md §6.4: highest version, preferred donor, lowest load,
/// first offer), and verify the image before they accept it (§6.7).
/// </summary>
public sealed partial class DonorChoiceTests
{
    private const int ImageBytes = 1 << 20;

    [Fact]
    public async Task Discover_TwoDonorsDifferentVersions_PolicyPicksHighestVersionAndOtherServesNothing()
    {
        using var folder = new TempFolder();
        await using var lab = await NetworkLab.CreateAsync();
        var donorA = await lab.AddMemberAsync("a");
        var donorB = await lab.AddMemberAsync("b");
        var machines = await lab.AddMemberAsync("c");
        string imagesA = Directory.CreateDirectory(folder.Combine("a")).FullName;
        string imagesB = Directory.CreateDirectory(folder.Combine("b")).FullName;
        await ManagerCli.PackCapsuleAsync(imagesA, "fw.cap", ImageBytes, seed: 5, SharedFiles.TrustedPrivateKey, version: 0x10002);
        string capsuleB = await ManagerCli.PackCapsuleAsync(imagesB, "fw.cap", ImageBytes, seed: 6, SharedFiles.TrustedPrivateKey, version: 0x10003);
        await using var managerA = await StartDonorAsync(lab, donorA, imagesA, folder.Combine("a.jsonl"), SharedFiles.TrustedPublicKey, name: "donor-a");
        await using var managerB = await StartDonorAsync(lab, donorB, imagesB, folder.Combine("b.jsonl"), SharedFiles.TrustedPublicKey, name: "donor-b");

        var args = MachineArgs(machines, 3, folder.Combine("out"), manager: null);
        args.AddRange(new[] { "--discover", "--broadcast", lab.BroadcastAddress + ":" + DonorPort });
        var (run, report) = await ManagerCli.SimulateAsync(args, folder.Combine("report.json"), machines.Namespace);

        Assert.True(run.ExitCode == 0, run.Stderr + "\n--- A ---\n" + managerA.Output + "\n--- B ---\n" + managerB.Output);
        string donorIdB = DonorId(managerB);
        foreach (var client in Clients(report))
        {
            Assert.Equal(donorIdB, client.GetProperty("donorId").GetString());
            AssertByteExact(capsuleB, client);
        }
        Assert.Equal(3, ReadResults(folder.Combine("b.jsonl")).Count(r => r.Outcome == "success"));
        await AssertServedNothingAsync(managerA, folder.Combine("a.jsonl"));
    }

    [Fact]
    public async Task Discover_TwoDonorsSameVersion_PolicyPicksPreferredDonorAndOtherServesNothing()
    {
        using var folder = new TempFolder();
        await using var lab = await NetworkLab.CreateAsync();
        var donorA = await lab.AddMemberAsync("a");
        var donorB = await lab.AddMemberAsync("b");
        var machines = await lab.AddMemberAsync("c");
        string imagesA = Directory.CreateDirectory(folder.Combine("a")).FullName;
        string imagesB = Directory.CreateDirectory(folder.Combine("b")).FullName;
        string capsuleA = await ManagerCli.PackCapsuleAsync(imagesA, "fw.cap", ImageBytes, seed: 7, SharedFiles.TrustedPrivateKey);
        await ManagerCli.PackCapsuleAsync(imagesB, "fw.cap", ImageBytes, seed: 8, SharedFiles.TrustedPrivateKey);
        await using var managerA = await StartDonorAsync(lab, donorA, imagesA, folder.Combine("a.jsonl"), SharedFiles.TrustedPublicKey, name: "donor-a");
        await using var managerB = await StartDonorAsync(lab, donorB, imagesB, folder.Combine("b.jsonl"), SharedFiles.TrustedPublicKey, name: "donor-b");

        string donorIdA = DonorId(managerA);
        var args = MachineArgs(machines, 2, folder.Combine("out"), manager: null);
        args.AddRange(new[] { "--discover", "--broadcast", lab.BroadcastAddress + ":" + DonorPort, "--prefer", donorIdA });
        var (run, report) = await ManagerCli.SimulateAsync(args, folder.Combine("report.json"), machines.Namespace);

        Assert.True(run.ExitCode == 0, run.Stderr + "\n--- A ---\n" + managerA.Output + "\n--- B ---\n" + managerB.Output);
        foreach (var client in Clients(report))
        {
            Assert.Equal(donorIdA, client.GetProperty("donorId").GetString());
            AssertByteExact(capsuleA, client);
        }
        Assert.Contains("REQUEST from", managerB.Output, StringComparison.Ordinal); // B did offer ...
        await AssertServedNothingAsync(managerB, folder.Combine("b.jsonl"));   // ... and saw no ACCEPT
    }

    [Fact]
    public async Task Discover_RogueDonorWithUntrustedKey_ClientRejectsItAndRecoversFromTrustedDonor()
    {
        using var folder = new TempFolder();
        await using var lab = await NetworkLab.CreateAsync();
        var rogue = await lab.AddMemberAsync("r");
        var trusted = await lab.AddMemberAsync("t");
        var machines = await lab.AddMemberAsync("c");
        string imagesR = Directory.CreateDirectory(folder.Combine("r")).FullName;
        string imagesT = Directory.CreateDirectory(folder.Combine("t")).FullName;
        // The rogue offers a higher version, so the policy picks it first; only verification can save the machine.
        await ManagerCli.PackCapsuleAsync(imagesR, "evil.cap", ImageBytes, seed: 9, SharedFiles.UntrustedPrivateKey, version: 0x20000);
        string good = await ManagerCli.PackCapsuleAsync(imagesT, "fw.cap", ImageBytes, seed: 10, SharedFiles.TrustedPrivateKey, version: 0x10002);
        await using var managerR = await StartDonorAsync(lab, rogue, imagesR, folder.Combine("r.jsonl"), SharedFiles.UntrustedPublicKey, name: "rogue");
        await using var managerT = await StartDonorAsync(lab, trusted, imagesT, folder.Combine("t.jsonl"), SharedFiles.TrustedPublicKey, name: "trusted");

        var args = MachineArgs(machines, 1, folder.Combine("out"), manager: null);
        args.AddRange(new[] { "--discover", "--broadcast", lab.BroadcastAddress + ":" + DonorPort });
        var (run, report) = await ManagerCli.SimulateAsync(args, folder.Combine("report.json"), machines.Namespace);

        Assert.True(run.ExitCode == 0, run.Stderr + "\n--- rogue ---\n" + managerR.Output + "\n--- trusted ---\n" + managerT.Output);
        JsonElement client = Clients(report)[0];
        AssertByteExact(good, client);
        Assert.Equal(DonorId(managerT), client.GetProperty("donorId").GetString());
        Assert.Equal(1, client.GetProperty("imagesRejected").GetInt32());
        Assert.Contains("PublicKeyNotTrusted", client.GetProperty("lastRejection").GetString(), StringComparison.Ordinal);
        var rogueRecord = Assert.Single(ReadResults(folder.Combine("r.jsonl")));
        Assert.Equal("failure", rogueRecord.Outcome);
        Assert.Equal(2u, rogueRecord.Code); // ResultReason.UntrustedKey
        Assert.Equal("success", Assert.Single(ReadResults(folder.Combine("t.jsonl"))).Outcome);
    }

    private static string DonorId(ManagerProcess manager)
    {
        Match match = DonorIdPattern().Match(manager.Output);
        Assert.True(match.Success, "donor id not logged:\n" + manager.Output);
        return match.Groups[1].Value;
    }

    private static async Task AssertServedNothingAsync(ManagerProcess manager, string results)
    {
        Assert.DoesNotContain("ACCEPT from", manager.Output, StringComparison.Ordinal);
        Assert.Empty(ReadResults(results));
        foreach (var session in await SessionsAsync(manager))
        {
            Assert.Equal(0, session.GetProperty("clients").GetArrayLength());
            Assert.Equal(0, session.GetProperty("dataDatagramsSent").GetInt64());
        }
    }

    [GeneratedRegex("donor id ([0-9a-f]{16})")]
    private static partial Regex DonorIdPattern();
}
