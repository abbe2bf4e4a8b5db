using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using UefiRecovery.Core.Crypto;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving;

/// <summary>
/// The real `serve` following manager-initiated recoveries (docs/operating.md §8.8): the instruction it signs and
/// sends from its UDP socket, and the AGENT_REPORT, READINESS, REQUEST, ACCEPT and RESULT datagrams (built with the
/// recovery-core codecs, sent by the test standing in for the agent and the booted app) moving it to done, as
/// /status, GET /instructions/ID, `instruct --via` and results.jsonl show it. The agent and the app themselves
/// run in qemu-tests.
/// </summary>
public sealed class InstructionLifeTests
{
    internal const ulong Mac = 0x525400123456;
    internal const string MacText = "52:54:00:12:34:56";
    internal const string UuidText = "5ee6d83b-8a3c-4b53-9f3d-1c7f0e2a6b41";
    internal static readonly SystemUuid Uuid = SystemUuid.Read(Convert.FromHexString(UuidText.Replace("-", "", StringComparison.Ordinal)));
    internal static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    internal static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    internal static Task<ManagerProcess> StartAsync(TempFolder folder, params string[] extra) => StartAsync(folder, "127.0.0.1:0", extra);

    private static async Task<ManagerProcess> StartAsync(TempFolder folder, string statusHttp, params string[] extra)
    {
        string images = Directory.CreateDirectory(folder.Combine("images")).FullName;
        await ManagerCli.PackCapsuleAsync(images, "fw.cap", 8192, seed: 31, SharedFiles.TrustedPrivateKey);
        var args = new List<string>
        {
            "--images", images, "--listen", "127.0.0.1:0", "--delivery", "unicast", "--trusted", SharedFiles.TrustedPublicKey,
            "--results", folder.Combine("results.jsonl"), "--status-http", statusHttp,
        };
        args.AddRange(extra);
        return await ManagerProcess.StartAsync(args);
    }

    // The instruction key: the shared untrusted test key (any RSA-2048 key will do); its counter in the test's folder.
    internal static string[] KeyArgs(TempFolder folder) =>
        new[] { "--instruction-key", SharedFiles.UntrustedPrivateKey, "--counter-file", folder.Combine("instruction.counter") };

    internal static Uri Api(ManagerProcess manager, string path) => new(manager.StatusUri!, path);

    internal static async Task<(HttpStatusCode Code, string Body, Uri? Location)> PostAsync(Uri uri, string json, string? token = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(json, Encoding.UTF8, contentType) };
        if (token is not null) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using HttpResponseMessage response = await Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Location);
    }

    internal static string Body(IPEndPoint agent) => "{\"agent\":\"" + agent + "\",\"mac\":\"" + MacText + "\",\"uuid\":\"" + UuidText + "\",\"expiresSeconds\":120}";

    /// <summary>GET /instructions/ID until its state is <paramref name="state"/>; the last answer.</summary>
    internal static async Task<JsonElement> WaitForStateAsync(ManagerProcess manager, string idHex, string state)
    {
        DateTime end = DateTime.UtcNow + Patience;
        string last = "";
        while (DateTime.UtcNow < end)
        {
            last = await Http.GetStringAsync(Api(manager, "/instructions/" + idHex));
            JsonElement root = JsonDocument.Parse(last).RootElement;
            if (root.GetProperty("state").GetString() == state) return root;
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException("instruction " + idHex + " never reached " + state + "; last:\n" + last + "\nmanager:\n" + manager.Output);
    }

    internal static byte[] AgentReport(ulong id, ulong counter, AgentState state, string firmware, AgentFailure failure = AgentFailure.None, ulong mac = Mac,
        SystemUuid? uuid = null)
    {
        var buffer = new byte[256];
        Assert.Equal(WireStatus.Ok, new AgentReportMessage(id, counter, mac, state, uuid ?? Uuid, failure, 4)
            .TryEmit(buffer, new MessageIds(0x51, 0, mac), Encoding.ASCII.GetBytes(firmware), out int n));
        return buffer[..n];
    }

    private static byte[] Readiness(ulong id, SystemUuid uuid, ulong mac = Mac)
    {
        var buffer = new byte[256];
        Assert.Equal(WireStatus.Ok, new ReadinessMessage(id, mac, uuid, default, 0x10001, 0x7F000001).TryEmit(buffer, new MessageIds(0x52, 0, mac), out int n));
        return buffer[..n];
    }

    private static byte[] RequestForOtherImageType(WireProbe machine)
    {
        ImageTypeId.TryRead(Guid.Parse("0b5c7a3e-1111-4222-8333-944455556666").ToByteArray(), out ImageTypeId other);
        var buffer = new byte[256];
        Assert.Equal(WireStatus.Ok, new RequestMessage(other, 0, 0, Mac, 1472, WireProbe.IpOf(machine.LocalEndPoint.Address), 0, RequestReason.ManagerInstruction, DeliveryModes.Unicast)
            .TryEmit(buffer, new MessageIds(machine.NextMessageId(), 0, Mac), out int n));
        return buffer[..n];
    }

    /// <summary>The RECOVERY_INSTRUCTION serve sent to the agent probe, parsed, with its signature checked against the instruction key.</summary>
    internal static async Task<(InstructionMessage Message, WireProbe.Received Datagram)> ReceiveInstructionAsync(WireProbe agent)
    {
        WireProbe.Received? got = await agent.WaitForAsync(d => d.Type == MessageType.RecoveryInstruction, Patience);
        Assert.NotNull(got);
        Assert.Equal(InstructionSignature.DatagramLength, got!.Bytes.Length);
        Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(got.Bytes, out MessageFrame frame));
        Assert.Equal(WireStatus.Ok, InstructionMessage.TryParse(frame, out InstructionMessage message));
        AssertSignedByInstructionKey(got.Bytes);
        return (message, got);
    }

    private static void AssertSignedByInstructionKey(byte[] datagram)
    {
        byte[] digest = new byte[Sha256.DigestSize];
        Assert.True(InstructionSignature.TryComputeDigest(datagram, new Sha256(), digest));
        using RSA key = RSA.Create();
        key.ImportFromPem(File.ReadAllText(SharedFiles.UntrustedPrivateKey));
        Assert.True(key.VerifyHash(digest, InstructionSignature.Signature(datagram).ToArray(), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    internal static string Hex(ulong id) => "0x" + id.ToString("X16", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The instruction in /status once that snapshot (published four times a second) shows it in <paramref name="state"/>.</summary>
    private static async Task<JsonElement> StatusInstructionAsync(ManagerProcess manager, string idHex, string state)
    {
        DateTime end = DateTime.UtcNow + Patience;
        while (true)
        {
            using JsonDocument status = await manager.GetStatusAsync();
            JsonElement found = status.RootElement.GetProperty("instructions").EnumerateArray().Single(i => i.GetProperty("instructionIdHex").GetString() == idHex).Clone();
            if (found.GetProperty("state").GetString() == state || DateTime.UtcNow >= end) return found;
            await Task.Delay(50);
        }
    }

    internal static async Task<Dictionary<string, long>> RejectsAsync(ManagerProcess manager)
    {
        using JsonDocument status = await manager.GetStatusAsync();
        return status.RootElement.GetProperty("traffic").GetProperty("rejectReasons").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
    }

    /// <summary>
    /// The result log's line for the instruction. The engine writes it just after the state change the API already
    /// shows, so it is waited for.
    /// </summary>
    private static async Task<JsonElement> InstructionRecordAsync(TempFolder folder, string idHex)
    {
        DateTime end = DateTime.UtcNow + Patience;
        while (true)
        {
            using (var reader = new StreamReader(new FileStream(folder.Combine("results.jsonl"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite)))
            {
                foreach (string line in reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    JsonElement r = JsonDocument.Parse(line).RootElement;
                    if (r.TryGetProperty("kind", out JsonElement kind) && kind.GetString() == "instruction" && r.GetProperty("instructionIdHex").GetString() == idHex) return r;
                }
            }
            if (DateTime.UtcNow >= end) throw new Xunit.Sdk.XunitException("no instruction line for " + idHex + " in the result log");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task InstructVia_Json_StateDocumentsThenTimeoutEvent()
    {
        // --json through --via: each state is serve's own instruction document with "event":"state", and the end
        // of --timeout is an event too (exit 5); the agent here never answers, so the instruction stays "sent".
        using var folder = new TempFolder();
        await using var manager = await StartAsync(folder, KeyArgs(folder));
        using var agent = new WireProbe("127.0.0.1");

        var run = await ManagerCli.RunAsync(new[]
        {
            "instruct", "--via", "http://127.0.0.1:" + manager.StatusUri!.Port, "--agent", agent.LocalEndPoint.ToString(),
            "--mac", MacText, "--uuid", UuidText, "--timeout", "2", "--json",
        }, timeout: TimeSpan.FromSeconds(60));

        Assert.True(run.ExitCode == InstructCommandExitNoReport, run.Stdout + run.Stderr);
        string[] lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 2, run.Stdout);
        JsonElement state = JsonDocument.Parse(lines[0]).RootElement;
        JsonElement timeout = JsonDocument.Parse(lines[1]).RootElement;
        Assert.Equal("state", state.GetProperty("event").GetString());
        Assert.Equal("sent", state.GetProperty("state").GetString());
        Assert.Equal(MacText, state.GetProperty("mac").GetString());
        string idHex = state.GetProperty("instructionIdHex").GetString()!;
        Assert.Equal("sent", (await WaitForStateAsync(manager, idHex, "sent")).GetProperty("state").GetString());
        Assert.Equal("timeout", timeout.GetProperty("event").GetString());
        Assert.Equal("sent", timeout.GetProperty("state").GetString());
        Assert.Equal(2, timeout.GetProperty("timeoutSeconds").GetInt32());
    }

    // InstructCommand.NoReport (the class is internal to the manager).
    private const int InstructCommandExitNoReport = 5;

    [Fact]
    public async Task InstructVia_WholeLifeDrivenOverUdp_DoneInStatusLogAndInstructOutput()
    {
        using var folder = new TempFolder();
        await using var manager = await StartAsync(folder, KeyArgs(folder));
        using var agent = new WireProbe("127.0.0.1");
        using var machine = new WireProbe("127.0.0.1");
        Task<ManagerCli.Run> instruct = ManagerCli.RunAsync(new[]
        {
            "instruct", "--via", "http://127.0.0.1:" + manager.StatusUri!.Port, "--agent", agent.LocalEndPoint.ToString(),
            "--mac", MacText, "--uuid", UuidText, "--timeout", "60",
        }, timeout: TimeSpan.FromSeconds(90));

        // Signed with serve's key, from serve's own socket, naming serve's address as the machine's manager.
        var (message, datagram) = await ReceiveInstructionAsync(agent);
        Assert.Equal(manager.UdpEndPoint, datagram.Source);
        Assert.Equal(1, message.Managers.Count);
        Assert.Equal(WireProbe.IpOf(manager.UdpEndPoint.Address), message.Managers[0].Address);
        Assert.Equal(manager.UdpEndPoint.Port, message.Managers[0].Port);
        Assert.Equal(Mac, message.TargetMac);
        ulong id = message.InstructionId;
        string idHex = Hex(id);
        await WaitForStateAsync(manager, idHex, "sent");

        // Forgeries and strays first: none moves it.
        agent.Send(AgentReport(id, message.Counter + 1, AgentState.Rebooting, "forged"), manager.UdpEndPoint);
        agent.Send(AgentReport(id, message.Counter, AgentState.Rebooting, "forged", mac: Mac + 1), manager.UdpEndPoint);
        agent.Send(AgentReport(id ^ 1, message.Counter, AgentState.Failed, "forged", AgentFailure.Other), manager.UdpEndPoint);
        agent.Send(AgentReport(id, message.Counter, AgentState.Rebooting, "edk2-old")[..60], manager.UdpEndPoint); // truncated
        machine.Send(Readiness(id, new SystemUuid(1, 2)), manager.UdpEndPoint);
        machine.Send(Readiness(id ^ 1, Uuid), manager.UdpEndPoint);
        await WaitForRejectsAsync(manager, "AGENT_REPORT:wrong-counter", "AGENT_REPORT:wrong-mac", "AGENT_REPORT:unknown-instruction",
            "READINESS:wrong-uuid", "READINESS:unknown-instruction");
        Assert.Equal("sent", (await StatusInstructionAsync(manager, idHex, "sent")).GetProperty("state").GetString());

        agent.Send(AgentReport(id, message.Counter, AgentState.Rebooting, "edk2-old"), manager.UdpEndPoint);
        JsonElement acknowledged = await WaitForStateAsync(manager, idHex, "acknowledged");
        Assert.Equal("edk2-old", acknowledged.GetProperty("firmwareBefore").GetString());
        Assert.Equal("Boot0004", acknowledged.GetProperty("bootEntry").GetString());

        machine.Send(Readiness(id, Uuid), manager.UdpEndPoint);
        await WaitForStateAsync(manager, idHex, "ready");

        // A REQUEST for an image type the catalog does not have gets no OFFER and does not start the recovery.
        long handled = await manager.DatagramsHandledAsync();
        machine.Send(RequestForOtherImageType(machine), manager.UdpEndPoint);
        while (await manager.DatagramsHandledAsync() <= handled) await Task.Delay(20);
        Assert.Equal("ready", (await StatusInstructionAsync(manager, idHex, "ready")).GetProperty("state").GetString());

        await RecoverAsync(manager, machine, () => WaitForStateAsync(manager, idHex, "receiving"));
        JsonElement written = await WaitForStateAsync(manager, idHex, "written");
        Assert.Equal("0x00010002", written.GetProperty("resultVersionHex").GetString());

        agent.Send(AgentReport(id, message.Counter, AgentState.Running, "edk2-new"), manager.UdpEndPoint);
        await WaitForStateAsync(manager, idHex, "done");

        JsonElement shown = await StatusInstructionAsync(manager, idHex, "done");
        Assert.Equal("done", shown.GetProperty("state").GetString());
        Assert.Equal("edk2-new", shown.GetProperty("firmwareVersion").GetString());
        Assert.Equal(MacText, shown.GetProperty("mac").GetString());
        Assert.Equal(UuidText, shown.GetProperty("uuid").GetString());
        foreach (string step in new[] { "sentAt", "acknowledgedAt", "readyAt", "receivingAt", "writtenAt", "doneAt" })
            Assert.Equal(JsonValueKind.String, shown.GetProperty(step).ValueKind);

        ManagerCli.Run run = await instruct;
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        string[] states = run.Stdout.Split('\n').Where(l => l.StartsWith("state=", StringComparison.Ordinal)).Select(l => l.Split(' ')[0]).ToArray();
        // It polls: every state it saw, in order, ending with done (fast steps may fall between two polls).
        Assert.Equal("state=sent", states[0]);
        Assert.Equal("state=done", states[^1]);
        Assert.Equal(states.OrderBy(s => Array.IndexOf(new[] { "state=sent", "state=acknowledged", "state=ready", "state=receiving", "state=written", "state=done" }, s)), states);
        Assert.Contains("firmware=\"edk2-new\"", run.Stdout, StringComparison.Ordinal);

        JsonElement record = await InstructionRecordAsync(folder, idHex);
        Assert.Equal("done", record.GetProperty("outcome").GetString());
        Assert.Equal("edk2-new", record.GetProperty("firmwareVersion").GetString());
        foreach (string phase in new[] { "agentSeconds", "rebootSeconds", "recoverySeconds", "backSeconds", "totalSeconds" })
            Assert.True(record.GetProperty(phase).GetDouble() >= 0, phase);
    }

    /// <summary>
    /// The booted app's part, as the machine <see cref="Mac"/>: REQUEST, the OFFER, ACCEPT and a RESULT success with the
    /// member's token, until its acknowledgement; <paramref name="afterOffer"/> runs once the OFFER is in.
    /// </summary>
    internal static async Task RecoverAsync(ManagerProcess manager, WireProbe machine, Func<Task>? afterOffer = null)
    {
        uint requestId = machine.SendRequest(manager.UdpEndPoint, Mac);
        var offer = await machine.WaitForOfferAsync(requestId, Patience);
        Assert.NotNull(offer);
        if (afterOffer is not null) await afterOffer();
        uint session = offer!.Value.Datagram.SessionId;
        ulong token = offer.Value.Offer.Binding.MemberToken;
        machine.SendAccept(manager.UdpEndPoint, Mac, session, offer.Value.Offer.InReplyTo == requestId ? offer.Value.Datagram.MessageId : 0, offer.Value.Offer.ImageId, token);
        machine.SendResult(manager.UdpEndPoint, Mac, session, offer.Value.Offer.ImageId, token, ResultOutcome.Success, ResultReason.None);
        Assert.NotNull(await machine.WaitForAsync(d => d.Type == MessageType.ResultAck, Patience));
    }

    private static async Task WaitForRejectsAsync(ManagerProcess manager, params string[] reasons)
    {
        DateTime end = DateTime.UtcNow + Patience;
        Dictionary<string, long> rejects = new();
        while (DateTime.UtcNow < end)
        {
            rejects = await RejectsAsync(manager);
            if (reasons.All(rejects.ContainsKey)) return;
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException("missing reject reasons; have: " + string.Join(", ", rejects.Select(r => r.Key + "=" + r.Value)));
    }

    [Fact]
    public async Task Post_AgentNeverAnswers_FailedInSentAfterAckTimeoutAndRecorded()
    {
        using var folder = new TempFolder();
        await using var manager = await StartAsync(folder, KeyArgs(folder).Concat(new[] { "--instruction-timeouts", "ack=2" }).ToArray());
        using var agent = new WireProbe("127.0.0.1");
        var (code, body, location) = await PostAsync(Api(manager, "/instructions"), Body(agent.LocalEndPoint));
        Assert.True(code == HttpStatusCode.Created, code + " " + body);
        string idHex = JsonDocument.Parse(body).RootElement.GetProperty("instructionIdHex").GetString()!;
        Assert.Equal("/instructions/" + idHex, location!.OriginalString);

        JsonElement failed = await WaitForStateAsync(manager, idHex, "failed");
        Assert.Equal("sent", failed.GetProperty("failedIn").GetString());
        Assert.StartsWith("timed out after 2 s without the agent's report", failed.GetProperty("failure").GetString(), StringComparison.Ordinal);
        Assert.True(failed.GetProperty("sends").GetInt32() >= 1);
        // Resent while unanswered: every copy the same signed datagram.
        var copies = agent.All.Where(d => d.Type == MessageType.RecoveryInstruction).Select(d => Convert.ToHexString(d.Bytes)).Distinct().ToList();
        Assert.Single(copies);

        JsonElement record = await InstructionRecordAsync(folder, idHex);
        Assert.Equal("failed", record.GetProperty("outcome").GetString());
        Assert.Equal("sent", record.GetProperty("failedIn").GetString());
        Assert.False(record.TryGetProperty("rebootSeconds", out _));

        // A report after the end changes nothing.
        var (message, _) = await ReceiveInstructionAsync(agent);
        agent.Send(AgentReport(message.InstructionId, message.Counter, AgentState.Rebooting, "late"), manager.UdpEndPoint);
        await WaitForRejectsAsync(manager, "AGENT_REPORT:ended");
        Assert.Equal("failed", (await StatusInstructionAsync(manager, idHex, "failed")).GetProperty("state").GetString());
    }

    [Fact]
    public async Task InstructVia_AgentReportsFailure_ExitOneWithTheAgentFailure()
    {
        using var folder = new TempFolder();
        await using var manager = await StartAsync(folder, KeyArgs(folder));
        using var agent = new WireProbe("127.0.0.1");
        Task<ManagerCli.Run> instruct = ManagerCli.RunAsync(new[]
        {
            "instruct", "--via", "http://127.0.0.1:" + manager.StatusUri!.Port, "--agent", agent.LocalEndPoint.ToString(), "--mac", MacText, "--uuid", UuidText,
        }, timeout: TimeSpan.FromSeconds(60));
        var (message, _) = await ReceiveInstructionAsync(agent);
        agent.Send(AgentReport(message.InstructionId, message.Counter, AgentState.Failed, "edk2", AgentFailure.NoEfivarfs), manager.UdpEndPoint);
        ManagerCli.Run run = await instruct;
        Assert.True(run.ExitCode == 1, run.Stdout + run.Stderr);
        Assert.Contains("state=failed", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("failed-in=sent failure=\"NoEfivarfs\"", run.Stdout, StringComparison.Ordinal);
    }

    // Content type, body, and what is refused: nothing is signed for any of them (the counter file stays absent).
    public static TheoryData<string, string, HttpStatusCode> BadPosts => new()
    {
        { "text/plain", "{\"agent\":\"127.0.0.1\",\"mac\":\"" + MacText + "\",\"uuid\":\"" + UuidText + "\"}", HttpStatusCode.UnsupportedMediaType },
        { "application/json", "{\"agent\":\"127.0.0.1\",\"mac\":\"52:54:00:12:34\",\"uuid\":\"" + UuidText + "\"}", HttpStatusCode.BadRequest },
        { "application/json", "{\"agent\":\"127.0.0.1\",\"mac\":\"" + MacText + "\",\"uuid\":\"00000000-0000-0000-0000-000000000000\"}", HttpStatusCode.BadRequest },
        { "application/json", "{\"agent\":\"host.example\",\"mac\":\"" + MacText + "\",\"uuid\":\"" + UuidText + "\"}", HttpStatusCode.BadRequest },
        { "application/json", "{\"agent\":\"255.255.255.255\",\"mac\":\"" + MacText + "\",\"uuid\":\"" + UuidText + "\"}", HttpStatusCode.BadRequest },
        { "application/json", "{\"agent\":\"239.1.2.3\",\"mac\":\"" + MacText + "\",\"uuid\":\"" + UuidText + "\"}", HttpStatusCode.BadRequest },
        { "application/json", "{\"agent\":\"127.0.0.1\",\"mac\":\"" + MacText + "\",\"uuid\":\"" + UuidText + "\",\"expiresSeconds\":0}", HttpStatusCode.BadRequest },
        { "application/json", "{\"agent\":", HttpStatusCode.BadRequest },
        { "application/json", "{\"agent\":\"" + new string('1', 5000) + "\"}", HttpStatusCode.RequestEntityTooLarge },
    };

    [Fact]
    public async Task Post_BadRequests_RefusedAndNothingSigned()
    {
        using var folder = new TempFolder();
        await using var manager = await StartAsync(folder, KeyArgs(folder));
        foreach (var row in BadPosts)
        {
            var (contentType, json, expected) = ((string)row[0], (string)row[1], (HttpStatusCode)row[2]);
            var (code, body, _) = await PostAsync(Api(manager, "/instructions"), json, contentType: contentType);
            Assert.True(expected == code, json[..Math.Min(60, json.Length)] + ": " + code + " " + body);
        }
        Assert.False(File.Exists(folder.Combine("instruction.counter")));
        Assert.Equal("[]", (await Http.GetStringAsync(Api(manager, "/instructions"))).Trim());
        var (notFound, _) = await GetAsync(Api(manager, "/instructions/0x0123456789ABCDEF"));
        Assert.Equal(HttpStatusCode.NotFound, notFound);
    }

    [Fact]
    public async Task Post_ServeWithoutInstructionKey_ServiceUnavailableNothingSent()
    {
        using var folder = new TempFolder();
        await using var manager = await StartAsync(folder);
        using var agent = new WireProbe("127.0.0.1");
        var (code, body, _) = await PostAsync(Api(manager, "/instructions"), Body(agent.LocalEndPoint));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, code);
        Assert.Contains("--instruction-key", body, StringComparison.Ordinal);
        Assert.Null(await agent.WaitForAsync(_ => true, TimeSpan.FromSeconds(1)));
    }

    private static async Task<(HttpStatusCode Code, string Body)> GetAsync(Uri uri, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (token is not null) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using HttpResponseMessage response = await Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>An IPv4 address of this host that is not loopback: a request to it comes from it, not from 127.0.0.1.</summary>
    private static IPAddress NonLoopbackAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
        ?? throw new Xunit.Sdk.XunitException("this host has no non-loopback IPv4 address to test the API's token rule from");

    [Fact]
    public async Task Api_WithToken_NonLoopbackNeedsTheTokenLoopbackPostsToo()
    {
        using var folder = new TempFolder();
        const string token = "f3a1c0de5eed0123456789abcdef";
        File.WriteAllText(folder.Combine("api.token"), token + "\n");
        await using var manager = await StartAsync(folder, "0.0.0.0:0", KeyArgs(folder).Concat(new[] { "--api-token-file", folder.Combine("api.token") }).ToArray());
        int port = manager.StatusUri!.Port;
        using var agent = new WireProbe("127.0.0.1");
        var remote = new Uri("http://" + NonLoopbackAddress() + ":" + port);
        var local = new Uri("http://127.0.0.1:" + port);

        // Refused: nothing signed, nothing sent.
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(new Uri(remote, "/instructions"), Body(agent.LocalEndPoint))).Code);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(new Uri(remote, "/instructions"), Body(agent.LocalEndPoint), token + "0")).Code);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(new Uri(local, "/instructions"), Body(agent.LocalEndPoint))).Code);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(new Uri(remote, "/status"))).Code);
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(new Uri(remote, "/instructions"), "wrong-token-wrong-token")).Code);
        Assert.False(File.Exists(folder.Combine("instruction.counter")));
        Assert.Null(await agent.WaitForAsync(_ => true, TimeSpan.FromSeconds(1)));

        // Answered: loopback GETs as before, and everything with the token.
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(new Uri(local, "/status"))).Code);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(new Uri(remote, "/status"), token)).Code);
        var (code, body, _) = await PostAsync(new Uri(remote, "/instructions"), Body(agent.LocalEndPoint), token);
        Assert.True(code == HttpStatusCode.Created, code + " " + body);
        var (message, _) = await ReceiveInstructionAsync(agent);
        Assert.Equal(JsonDocument.Parse(body).RootElement.GetProperty("instructionIdHex").GetString(), Hex(message.InstructionId));
        // `instruct --via` with the token file gets through from there as well.
        var run = await ManagerCli.RunAsync(new[]
        {
            "instruct", "--via", remote.ToString(), "--api-token-file", folder.Combine("api.token"), "--agent", agent.LocalEndPoint.ToString(),
            "--mac", MacText, "--uuid", UuidText, "--timeout", "1",
        }, timeout: TimeSpan.FromSeconds(60));
        Assert.True(run.ExitCode == 5, run.Stdout + run.Stderr); // still sent after 1 s: nobody answers as the agent
        Assert.Contains("state=sent", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstructOut_SignsWithoutSending_DatagramVerifiesAndCounterStored()
    {
        using var folder = new TempFolder();
        string output = folder.Combine("instruction.bin");
        var run = await ManagerCli.RunAsync(new[]
        {
            "instruct", "--out", output, "--key", SharedFiles.UntrustedPrivateKey, "--counter-file", folder.Combine("c"),
            "--mac", MacText, "--uuid", UuidText, "--manager", "192.0.2.10:40123",
        });
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        byte[] datagram = File.ReadAllBytes(output);
        Assert.Equal(InstructionSignature.DatagramLength, datagram.Length);
        Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(datagram, out MessageFrame frame));
        Assert.Equal(WireStatus.Ok, InstructionMessage.TryParse(frame, out InstructionMessage message));
        Assert.Equal(Mac, message.TargetMac);
        Assert.Equal(ulong.Parse(File.ReadAllText(folder.Combine("c")).Trim(), System.Globalization.CultureInfo.InvariantCulture), message.Counter);
        AssertSignedByInstructionKey(datagram);
        Assert.Contains("id=" + Hex(message.InstructionId), run.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--via and --out", "--via", "http://127.0.0.1:1", "--out", "x.bin", "--agent", "127.0.0.1")]
    [InlineData("--agent: not with --out", "--out", "x.bin", "--agent", "127.0.0.1", "--key", "k.pem", "--manager", "192.0.2.1")]
    [InlineData("--key, --manager and --counter-file belong to serve", "--via", "http://127.0.0.1:1", "--agent", "127.0.0.1", "--key", "k.pem")]
    [InlineData("--key: required", "--agent", "127.0.0.1", "--manager", "192.0.2.1")]
    [InlineData("--api-token-file: only with --via", "--agent", "127.0.0.1", "--key", "k.pem", "--manager", "192.0.2.1", "--api-token-file", "t")]
    public async Task Instruct_ConflictingModes_ExitTwoWithTheReason(string reason, params string[] options)
    {
        var run = await ManagerCli.RunAsync(new[] { "instruct", "--mac", MacText, "--uuid", UuidText }.Concat(options));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(reason, run.Stderr, StringComparison.Ordinal);
    }

    // The option, a file content for it (null: the value itself), and what the refusal names.
    [Theory]
    [InlineData("--instruction-key", "not a key", "not an RSA private key", ExitCodes.Configuration)]
    [InlineData("--api-token-file", "short", "shorter than 16 characters", ExitCodes.Configuration)]
    [InlineData("--api-token-file", "has a space in the token", "printable ASCII without spaces", ExitCodes.Configuration)]
    [InlineData("--instruction-timeouts", null, "unknown step 'boot'", ExitCodes.Usage)]
    public async Task Serve_BadInstructionOption_ExitUsageOrConfigurationNamingIt(string option, string? content, string reason, int expectedExit)
    {
        using var folder = new TempFolder();
        string value = "boot=5";
        if (content is not null)
        {
            value = folder.Combine("file");
            File.WriteAllText(value, content);
        }
        var run = await ManagerCli.RunAsync(new[]
        {
            "serve", "--images", Directory.CreateDirectory(folder.Combine("images")).FullName, "--listen", "127.0.0.1:0",
            "--trusted", SharedFiles.TrustedPublicKey, "--results", "off", "--status-http", "off", option, value,
        }, timeout: TimeSpan.FromSeconds(60));
        Assert.Equal(expectedExit, run.ExitCode);
        Assert.Contains(option, run.Stderr, StringComparison.Ordinal);
        Assert.Contains(reason, run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_TwentyThousandMutatedReportsAndReadiness_NoInternalErrorInstructionUnmoved()
    {
        using var folder = new TempFolder();
        await using var manager = await StartAsync(folder, KeyArgs(folder).Concat(new[] { "--instruction-timeouts", "ack=600" }).ToArray());
        using var agent = new WireProbe("127.0.0.1");
        var (code, body, _) = await PostAsync(Api(manager, "/instructions"), Body(agent.LocalEndPoint));
        Assert.True(code == HttpStatusCode.Created, body);
        var (message, _) = await ReceiveInstructionAsync(agent);
        string idHex = Hex(message.InstructionId);
        // Templates name another id (32 bits apart), so no mutation of a few bits can make one this instruction's.
        ulong other = message.InstructionId ^ 0xFFFF_FFFF_0000_0000;
        byte[][] templates =
        {
            AgentReport(other, message.Counter, AgentState.Rebooting, "edk2"),
            AgentReport(other, message.Counter, AgentState.Running, "edk2-stable202211 with a longer version text"),
            AgentReport(other, message.Counter, AgentState.Failed, "", AgentFailure.NoEspPartition),
            Readiness(other, Uuid),
        };
        var random = new Random(1313);
        const int count = 20_000;
        long baseline = await manager.DatagramsHandledAsync();
        using (var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)))
        {
            for (int i = 0; i < count; i++)
            {
                byte[] copy = (byte[])templates[random.Next(templates.Length)].Clone();
                switch (random.Next(4))
                {
                    case 0: // a few bits flipped after the header's type, CRC made valid again
                        for (int f = random.Next(1, 5); f > 0; f--) copy[random.Next(6, copy.Length)] ^= (byte)(1 << random.Next(8));
                        Reseal(copy);
                        break;
                    case 1: // shorter or longer, with a consistent length field and CRC
                        Array.Resize(ref copy, Math.Clamp(copy.Length + random.Next(-40, 40), 32, 200));
                        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(24), (ushort)(copy.Length - 32));
                        Reseal(copy);
                        break;
                    case 2: // a random id and MAC, otherwise well formed
                        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(copy.AsSpan(32), (ulong)random.NextInt64(1, long.MaxValue));
                        Reseal(copy);
                        break;
                    default: // bits flipped, CRC left wrong
                        copy[random.Next(32, copy.Length)] ^= 0x5A;
                        break;
                }
                await socket.SendAsync(copy, manager.UdpEndPoint);
                if (i % 256 == 255) await Task.Delay(1);
            }
        }
        DateTime end = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (await manager.DatagramsHandledAsync() - baseline < count * 9 / 10 && DateTime.UtcNow < end) await Task.Delay(100);
        Assert.True(await manager.DatagramsHandledAsync() - baseline >= count * 9 / 10, "serve handled too few of the datagrams");
        Assert.False(manager.HasExited, manager.Output);
        Dictionary<string, long> rejects = await RejectsAsync(manager);
        Assert.False(rejects.ContainsKey("internal-error"), string.Join(", ", rejects));
        Assert.Contains("AGENT_REPORT:unknown-instruction", rejects.Keys);
        Assert.Contains("READINESS:unknown-instruction", rejects.Keys);
        Assert.Contains(rejects.Keys, k => k.StartsWith("AGENT_REPORT:Bad", StringComparison.Ordinal));
        Assert.Contains(rejects.Keys, k => k.StartsWith("READINESS:Bad", StringComparison.Ordinal));
        JsonElement still = await StatusInstructionAsync(manager, idHex, "sent");
        Assert.Equal("sent", still.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, still.GetProperty("acknowledgedAt").ValueKind);
    }

    private static void Reseal(byte[] message)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(28), 0);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(28), UefiRecovery.Core.Protocol.Wire.MessageHeader.ComputeMessageCrc(message));
    }
}
