using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Text.Json;
using System.Threading.Tasks;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;
using static UefiRecovery.Manager.Tests.Serving.InstructionLifeTests;

namespace UefiRecovery.Manager.Tests.Serving;

/// <summary>
/// serve's inventory (docs/operating.md §8.9) with the real serve on loopback: the agent's start-up AGENT_REPORT
/// (instruction id 0, built with the recovery-core codec) and a member's RESULT fill it, /status shows it as
/// machines[], and POST /instructions / `instruct --via` with ifOlderThan read it: not older → 409 and nothing signed
/// or sent; unknown → sent and said so, or 412 with requireKnownVersion.
/// </summary>
public sealed class InventoryTests
{
    private const string OtherUuidText = "11111111-2222-4333-8444-555555555555";

    private static byte[] StartupReport(string firmware, SystemUuid? uuid = null) => AgentReport(0, 0, AgentState.Running, firmware, uuid: uuid);

    /// <summary>Sends the agent's start-up report and waits until /status shows the machine (at <paramref name="fmpVersionHex"/>; null: any).</summary>
    private static async Task<JsonElement> ReportAsync(ManagerProcess manager, WireProbe agent, string firmware, string? fmpVersionHex, SystemUuid? uuid = null)
    {
        agent.Send(StartupReport(firmware, uuid), manager.UdpEndPoint);
        return await StatusMachineAsync(manager, fmpVersionHex);
    }

    private static string TargetedBody(IPEndPoint agent, string ifOlderThan, bool requireKnown = false) =>
        "{\"agent\":\"" + agent + "\",\"mac\":\"" + MacText + "\",\"uuid\":\"" + UuidText + "\",\"expiresSeconds\":120,\"ifOlderThan\":\"" + ifOlderThan + "\""
        + (requireKnown ? ",\"requireKnownVersion\":true" : "") + "}";

    /// <summary>The machine in /status once its snapshot shows <paramref name="fmpVersionHex"/> for it (null: any entry).</summary>
    private static async Task<JsonElement> StatusMachineAsync(ManagerProcess manager, string? fmpVersionHex)
    {
        DateTime end = DateTime.UtcNow + Patience;
        string last = "";
        while (DateTime.UtcNow < end)
        {
            using JsonDocument status = await manager.GetStatusAsync();
            last = status.RootElement.GetProperty("machines").ToString();
            foreach (JsonElement m in status.RootElement.GetProperty("machines").EnumerateArray())
            {
                if (m.GetProperty("mac").GetString() != MacText) continue;
                JsonElement version = m.GetProperty("fmpVersionHex");
                if (fmpVersionHex is null || (version.ValueKind == JsonValueKind.String && version.GetString() == fmpVersionHex)) return m.Clone();
            }
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException("machines[] never showed " + MacText + " at " + fmpVersionHex + "; last: " + last + "\n" + manager.Output);
    }

    [Fact]
    public async Task StartupReport_IdZeroRunning_ShownInStatusMachinesNotCountedAsReject()
    {
        using var folder = new TempFolder();
        await using var manager = await StartAsync(folder, KeyArgs(folder));
        using var agent = new WireProbe("127.0.0.1");

        JsonElement machine = await ReportAsync(manager, agent, "edk2-stable202211 recovered=0x00010002", "0x00010002");
        Assert.Equal(UuidText, machine.GetProperty("uuid").GetString());
        Assert.Equal("edk2-stable202211 recovered=0x00010002", machine.GetProperty("versionText").GetString());
        Assert.Equal("agent-report", machine.GetProperty("fmpVersionSource").GetString());
        Assert.Equal("0x00010002", machine.GetProperty("reportedVersionHex").GetString());
        Assert.Equal(JsonValueKind.Null, machine.GetProperty("resultVersionHex").ValueKind);
        Assert.Equal(JsonValueKind.String, machine.GetProperty("lastSeen").ValueKind);
        Assert.DoesNotContain("AGENT_REPORT:no-instruction", (await RejectsAsync(manager)).Keys);
        Assert.Null(await agent.WaitForAsync(_ => true, TimeSpan.FromMilliseconds(500))); // it informs: nothing is sent back
    }

    [Fact]
    public async Task InstructVia_IfOlderThanKnownNotOlder_ExitSevenSkippedNothingSignedOrSent()
    {
        using var folder = new TempFolder();
        await using var manager = await StartAsync(folder, KeyArgs(folder));
        using var agent = new WireProbe("127.0.0.1");
        await ReportAsync(manager, agent, "edk2 recovered=0x00010002", "0x00010002");

        var (code, body, _) = await PostAsync(Api(manager, "/instructions"), TargetedBody(agent.LocalEndPoint, "0x00010002"));
        var run = await ManagerCli.RunAsync(new[]
        {
            "instruct", "--via", "http://127.0.0.1:" + manager.StatusUri!.Port, "--agent", agent.LocalEndPoint.ToString(),
            "--mac", MacText, "--uuid", UuidText, "--if-older-than", "0x00010001",
        }, timeout: TimeSpan.FromSeconds(60));

        Assert.True(code == HttpStatusCode.Conflict, code + " " + body);
        JsonElement answer = JsonDocument.Parse(body).RootElement;
        Assert.Equal("0x00010002", answer.GetProperty("knownVersion").GetString());
        Assert.Equal("agent-report", answer.GetProperty("source").GetString());
        Assert.Contains("nothing sent", answer.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.True(run.ExitCode == 7, run.Stdout + run.Stderr);
        Assert.StartsWith("skipped: already at 0x00010002", run.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.Combine("instruction.counter")), "nothing signed");
        Assert.Null(await agent.WaitForAsync(d => d.Type == MessageType.RecoveryInstruction, TimeSpan.FromSeconds(1)));
        Assert.Equal("[]", (await Http.GetStringAsync(Api(manager, "/instructions"))).Trim());
    }

    [Fact]
    public async Task Post_IfOlderThanKnownOlder_CreatedWithTheKnownVersionAndSent()
    {
        using var folder = new TempFolder();
        await using var manager = await StartAsync(folder, KeyArgs(folder));
        using var agent = new WireProbe("127.0.0.1");
        await ReportAsync(manager, agent, "edk2 recovered=0x00010001", "0x00010001");

        var (code, body, _) = await PostAsync(Api(manager, "/instructions"), TargetedBody(agent.LocalEndPoint, "0x00010002"));

        Assert.True(code == HttpStatusCode.Created, code + " " + body);
        JsonElement created = JsonDocument.Parse(body).RootElement;
        Assert.Equal("0x00010002", created.GetProperty("ifOlderThanHex").GetString());
        Assert.StartsWith("0x00010001 (agent-report, last seen ", created.GetProperty("versionCheck").GetString(), StringComparison.Ordinal);
        var (message, _) = await ReceiveInstructionAsync(agent);
        Assert.Equal(created.GetProperty("instructionIdHex").GetString(), Hex(message.InstructionId));
    }

    // What the inventory holds before the POST (null: nothing), and why the version is unknown.
    public static TheoryData<string?, string?, string> Unknowns => new()
    {
        { null, null, "has not heard of this MAC" },
        { "edk2-stable202211", null, "carry no FMP version" },
        { "edk2 recovered=0x00010009", OtherUuidText, "another UUID (" + OtherUuidText + ")" },
    };

    [Theory]
    [MemberData(nameof(Unknowns))]
    public async Task Post_IfOlderThanVersionUnknown_SentAndSaysWhyOr412WithRequireKnownVersion(string? reported, string? reportedUuid, string why)
    {
        using var folder = new TempFolder();
        await using var manager = await StartAsync(folder, KeyArgs(folder));
        using var agent = new WireProbe("127.0.0.1");
        if (reported is not null)
        {
            SystemUuid? uuid = reportedUuid is null ? null : SystemUuid.Read(Convert.FromHexString(reportedUuid.Replace("-", "", StringComparison.Ordinal)));
            await ReportAsync(manager, agent, reported, null, uuid);
        }

        var (refused, refusal, _) = await PostAsync(Api(manager, "/instructions"), TargetedBody(agent.LocalEndPoint, "0x00010002", requireKnown: true));
        Assert.True(refused == HttpStatusCode.PreconditionFailed, refused + " " + refusal);
        Assert.Contains(why, refusal, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.Combine("instruction.counter")), "nothing signed");
        var run = await ManagerCli.RunAsync(new[]
        {
            "instruct", "--via", "http://127.0.0.1:" + manager.StatusUri!.Port, "--agent", agent.LocalEndPoint.ToString(),
            "--mac", MacText, "--uuid", UuidText, "--if-older-than", "0x00010002", "--require-known-version",
        }, timeout: TimeSpan.FromSeconds(60));
        Assert.True(run.ExitCode == 8, run.Stdout + run.Stderr);
        Assert.StartsWith("not sent: version unknown", run.Stdout, StringComparison.Ordinal);
        Assert.Null(await agent.WaitForAsync(d => d.Type == MessageType.RecoveryInstruction, TimeSpan.FromMilliseconds(500)));

        var (code, body, _) = await PostAsync(Api(manager, "/instructions"), TargetedBody(agent.LocalEndPoint, "0x00010002"));
        Assert.True(code == HttpStatusCode.Created, code + " " + body);
        Assert.Contains(why, JsonDocument.Parse(body).RootElement.GetProperty("versionCheck").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("version unknown", JsonDocument.Parse(body).RootElement.GetProperty("versionCheck").GetString(), StringComparison.Ordinal);
        await ReceiveInstructionAsync(agent);
    }

    /// <summary>A member's RESULT is proven by its token: its version wins over a later agent claim.</summary>
    [Fact]
    public async Task Result_SuccessProvenByToken_PreferredOverTheAgentsClaimFor409()
    {
        using var folder = new TempFolder();
        await using var manager = await StartAsync(folder, KeyArgs(folder));
        using var agent = new WireProbe("127.0.0.1");
        using var machine = new WireProbe("127.0.0.1");
        await RecoverAsync(manager, machine);
        await StatusMachineAsync(manager, "0x00010002");

        agent.Send(StartupReport("edk2 recovered=0x00010001"), manager.UdpEndPoint);
        DateTime end = DateTime.UtcNow + Patience;
        JsonElement shown;
        do shown = await StatusMachineAsync(manager, "0x00010002");
        while (shown.GetProperty("reportedVersionHex").ValueKind != JsonValueKind.String && DateTime.UtcNow < end && await Delay());

        Assert.Equal("0x00010001", shown.GetProperty("reportedVersionHex").GetString());
        Assert.Equal("0x00010002", shown.GetProperty("resultVersionHex").GetString());
        Assert.Equal("result", shown.GetProperty("fmpVersionSource").GetString());
        var (code, body, _) = await PostAsync(Api(manager, "/instructions"), TargetedBody(agent.LocalEndPoint, "0x00010002"));
        Assert.True(code == HttpStatusCode.Conflict, code + " " + body);
        Assert.Equal("result", JsonDocument.Parse(body).RootElement.GetProperty("source").GetString());
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(50);
        return true;
    }

    [Theory]
    [InlineData("{\"agent\":\"127.0.0.1\",\"mac\":\"" + MacText + "\",\"uuid\":\"" + UuidText + "\",\"ifOlderThan\":\"version two\"}", "ifOlderThan")]
    [InlineData("{\"agent\":\"127.0.0.1\",\"mac\":\"" + MacText + "\",\"uuid\":\"" + UuidText + "\",\"requireKnownVersion\":true}", "requireKnownVersion: only with ifOlderThan")]
    public async Task Post_BadTargeting_400NothingSigned(string json, string reason)
    {
        using var folder = new TempFolder();
        await using var manager = await StartAsync(folder, KeyArgs(folder));
        var (code, body, _) = await PostAsync(Api(manager, "/instructions"), json);
        Assert.True(code == HttpStatusCode.BadRequest, code + " " + body);
        Assert.Contains(reason, body, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.Combine("instruction.counter")));
    }

    [Theory]
    [InlineData("--if-older-than: only with --via", "--agent", "127.0.0.1", "--key", "k.pem", "--manager", "192.0.2.1", "--if-older-than", "0x10002")]
    [InlineData("--require-known-version: only with --if-older-than", "--via", "http://127.0.0.1:1", "--agent", "127.0.0.1", "--require-known-version")]
    [InlineData("--if-older-than: not a version", "--via", "http://127.0.0.1:1", "--agent", "127.0.0.1", "--if-older-than", "two")]
    public async Task Instruct_BadTargetingOptions_ExitTwoWithTheReason(string reason, params string[] options)
    {
        var run = await ManagerCli.RunAsync(new[] { "instruct", "--mac", MacText, "--uuid", UuidText }.Concat(options));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(reason, run.Stderr, StringComparison.Ordinal);
    }
}
