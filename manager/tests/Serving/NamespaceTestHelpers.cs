using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using UefiRecovery.Manager.Serving.Results;
using UefiRecovery.Manager.Benchmarking;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving;

/// <summary>Shared steps of the namespace tests: start a donor, run machines, read reports and result logs.</summary>
internal static class NamespaceTestHelpers
{
    public const int DonorPort = 40123;
    public const int ClientPort = 40124;

    public static Task<ManagerProcess> StartDonorAsync(NetworkLab lab, NetworkLab.Member donor, string images, string results,
        string trustedKey, double rateMbit = 100, string? extra = null, string name = "donor")
    {
        var args = new List<string>
        {
            "--images", images, "--listen", "0.0.0.0:" + DonorPort, "--delivery", "broadcast",
            "--destination", lab.BroadcastAddress, "--client-port", ClientPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--trusted", trustedKey, "--results", results, "--status-http", "127.0.0.1:0",
            "--rate", rateMbit.ToString(System.Globalization.CultureInfo.InvariantCulture), "--gather", "0.5", "--name", name,
        };
        if (extra is not null) args.AddRange(extra.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return ManagerProcess.StartAsync(args, donor.Namespace);
    }

    public static List<string> MachineArgs(NetworkLab.Member machines, int count, string outFolder, string? manager, string? faults = null, int seed = 1, string macBase = "020000000001")
    {
        var args = new List<string>
        {
            "--clients", count.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", machines.Address,
            "--client-port", ClientPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--delivery-modes", "broadcast",
            "--trusted", SharedFiles.TrustedPublicKey, "--out", outFolder, "--timeout", "240",
            "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--mac-base", macBase,
        };
        if (manager is not null) { args.Add("--manager"); args.Add(manager + ":" + DonorPort); }
        if (faults is not null) { args.Add("--faults"); args.Add(faults); }
        return args;
    }

    public static IReadOnlyList<JsonElement> Clients(JsonDocument? report)
    {
        Assert.NotNull(report);
        return report!.RootElement.GetProperty("results").EnumerateArray().ToList();
    }

    public static void AssertByteExact(string capsule, JsonElement client)
    {
        Assert.True(client.GetProperty("succeeded").GetBoolean(), "client did not recover: " + client);
        byte[] expected = File.ReadAllBytes(capsule);
        byte[] actual = File.ReadAllBytes(client.GetProperty("outputFile").GetString()!);
        Assert.True(expected.AsSpan().SequenceEqual(actual), "image differs for " + client.GetProperty("clientId").GetString());
    }

    public static List<ResultRecord> ReadResults(string path) =>
        File.Exists(path) ? File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => ResultLog.ParseLine(l)!).ToList() : new List<ResultRecord>();

    public static async Task<JsonElement[]> SessionsAsync(ManagerProcess manager)
    {
        using JsonDocument status = await manager.GetStatusAsync();
        return status.RootElement.GetProperty("sessions").EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    /// <summary>Polls GET /status until <paramref name="condition"/> holds for some session (or the timeout passes).</summary>
    public static async Task<JsonElement> WaitForSessionAsync(ManagerProcess manager, Func<JsonElement, bool> condition, TimeSpan timeout)
    {
        DateTime end = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < end)
        {
            foreach (var session in await SessionsAsync(manager))
                if (condition(session)) return session;
            await Task.Delay(100);
        }
        throw new TimeoutException("no session reached the expected state; manager output:\n" + manager.Output);
    }
}
