using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using UefiRecovery.Manager.Serving.Status;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving;

/// <summary>
/// GET /healthz and GET /metrics: units for the exposition format and the health verdict, then the real manager
/// serving real simulated machines, its /metrics read back through a strict parser of the format.
/// </summary>
public sealed class MetricsAndHealthTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    // ---- the format ----------------------------------------------------------------------------------------

    /// <summary>A label value and how the exposition format writes it.</summary>
    public static TheoryData<string, string> LabelEscapeRows() => new()
    {
        { "plain", "plain" },
        { "quote\"d", "quote\\\"d" },
        { "back\\slash", "back\\\\slash" },
        { "two\nlines", "two\\nlines" },
        { "\\\"\n", "\\\\\\\"\\n" },
    };

    [Theory]
    [MemberData(nameof(LabelEscapeRows))]
    public void EscapeLabelValue_SpecialCharacters_EscapedAndParsedBack(string value, string escaped)
    {
        Assert.Equal(escaped, PrometheusText.EscapeLabelValue(value));

        string text = new PrometheusText().Family("x_total", "counter", "help with \\ and\nnewline").Sample("x_total", 1, ("reason", value)).ToString();
        var families = PrometheusParser.Parse(text);

        Assert.Equal(value, families["x_total"].Samples.Single().Labels["reason"]);
        Assert.Equal("help with \\ and\nnewline", families["x_total"].Help);
    }

    /// <summary>A value and its text.</summary>
    public static TheoryData<double, string> ValueRows() => new()
    {
        { 0, "0" },
        { 12345678901, "12345678901" },
        { 2.5, "2.5" },
        { double.NaN, "NaN" },
        { double.PositiveInfinity, "+Inf" },
        { double.NegativeInfinity, "-Inf" },
    };

    [Theory]
    [MemberData(nameof(ValueRows))]
    public void FormatValue_Number_PrometheusText(double value, string expected) => Assert.Equal(expected, PrometheusText.FormatValue(value));

    [Fact]
    public void Family_WrittenTwice_Refused()
    {
        var text = new PrometheusText().Family("a", "gauge", "a");
        Assert.Throws<InvalidOperationException>(() => text.Family("a", "gauge", "a"));
    }

    [Fact]
    public void Promtool_LintedExposition_RefusedWhenWrong()
    {
        // The checker the integration test relies on can say no: a counter without _total and a sample of no family.
        var (exit, says) = Promtool.CheckMetrics("# HELP x_bytes bytes\n# TYPE x_bytes counter\nx_bytes 1\ny{a=\"1\" 2\n");
        Assert.NotEqual(0, exit);
        Assert.NotEmpty(says);
        var (cleanExit, clean) = Promtool.CheckMetrics(new PrometheusText().Family("x_total", "counter", "x").Sample("x_total", 1).ToString());
        Assert.True(cleanExit == 0 && clean.Length == 0, clean);
    }

    [Fact]
    public void Parser_MalformedExposition_Refused()
    {
        // The parser the tests rely on can say no: no TYPE, bad escape, interleaved families, duplicate series.
        Assert.Throws<FormatException>(() => PrometheusParser.Parse("a 1\n"));
        Assert.Throws<FormatException>(() => PrometheusParser.Parse("# TYPE a gauge\na{l=\"\\x\"} 1\n"));
        Assert.Throws<FormatException>(() => PrometheusParser.Parse("# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na 2\n"));
        Assert.Throws<FormatException>(() => PrometheusParser.Parse("# TYPE a gauge\na{l=\"1\"} 1\na{l=\"1\"} 2\n"));
        Assert.Throws<FormatException>(() => PrometheusParser.Parse("# TYPE a gauge\na 1"));
    }

    [Fact]
    public void Render_Snapshot_EveryStateAndOutcomePresentAndCounted()
    {
        var clients = new[]
        {
            new ClientStatus("10.0.0.2:40124", "52:54:00:00:00:01", "Receiving", 0.5, 3, 0.1, null),
            new ClientStatus("10.0.0.3:40124", "52:54:00:00:00:02", "Reported", 1, 0, 0.1, "success"),
        };
        var session = new SessionStatus(7, "fw.cap", 1000, 500, 2, "Sending", 1, 1, 1, 10, 5000, 1, 1, clients);
        var status = new ServerStatus(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "127.0.0.1:40123", "Unicast", "each client", 100,
            new[] { new ImageStatus("fw.cap", Guid.Empty.ToString(), 1, 1, 1000, "00") }, new[] { new RejectedImageStatus("bad.cap", "x") },
            new[] { session }, new TrafficStatus(20, 2, 30, 6000, 0, new Dictionary<string, long> { ["DATA:\"odd\\reason\"\n"] = 2 }), 1,
            Totals: new ServeTotals(4, 3, new Dictionary<string, long> { ["success"] = 1 }));

        var metrics = PrometheusParser.Parse(ServeMetrics.Render(status, serving: true));

        Assert.Equal(1, PrometheusParser.Value(metrics, "uefirecovery_up"));
        Assert.Equal(1, PrometheusParser.Value(metrics, "uefirecovery_images"));
        Assert.Equal(1, PrometheusParser.Value(metrics, "uefirecovery_images_rejected"));
        Assert.Equal(1, PrometheusParser.Value(metrics, "uefirecovery_sessions", ("state", "sending")));
        Assert.Equal(0, PrometheusParser.Value(metrics, "uefirecovery_sessions", ("state", "finished")));
        Assert.Equal(1, PrometheusParser.Value(metrics, "uefirecovery_machines", ("state", "receiving")));
        Assert.Equal(1, PrometheusParser.Value(metrics, "uefirecovery_machines", ("state", "reported")));
        Assert.Equal(0, PrometheusParser.Value(metrics, "uefirecovery_machines", ("state", "timedout")));
        Assert.Equal(4, PrometheusParser.Value(metrics, "uefirecovery_sessions_started_total"));
        Assert.Equal(3, PrometheusParser.Value(metrics, "uefirecovery_repair_rounds_total"));
        Assert.Equal(1, PrometheusParser.Value(metrics, "uefirecovery_results_total", ("outcome", "success")));
        Assert.Equal(0, PrometheusParser.Value(metrics, "uefirecovery_results_total", ("outcome", "timeout")));
        Assert.Equal(6000, PrometheusParser.Value(metrics, "uefirecovery_sent_bytes_total"));
        Assert.Equal(2, PrometheusParser.Value(metrics, "uefirecovery_drops_by_reason_total", ("reason", "DATA:\"odd\\reason\"\n")));
        Assert.All(metrics.Values, f => Assert.False(string.IsNullOrEmpty(f.Help), f.Name + " has no HELP"));
        Assert.All(metrics.Values.Where(f => f.Name.EndsWith("_total", StringComparison.Ordinal)), f => Assert.Equal("counter", f.Type));
    }

    // ---- health verdict ------------------------------------------------------------------------------------

    /// <summary>Scenario, expected health, the start of the reason.</summary>
    public static TheoryData<string, bool, string> HealthRows() => new()
    {
        { "serving", true, "ok: serving 1 image on udp 127.0.0.1:40123" },
        { "starting", false, "starting" },
        { "stopping", false, "stopping" },
        { "no-trust", false, "no trust anchor" },
        { "empty-folder", false, "no image to offer: /srv/images holds no capsule" },
        { "all-rejected", false, "no image to offer: all 1 files in /srv/images were rejected" },
    };

    [Theory]
    [MemberData(nameof(HealthRows))]
    public void Judge_Scenario_HealthAndReason(string scenario, bool healthy, string reason)
    {
        var image = new[] { new ImageStatus("fw.cap", Guid.Empty.ToString(), 1, 1, 1000, "00") };
        var rejected = scenario == "all-rejected" ? new[] { new RejectedImageStatus("bad.cap", "x") } : Array.Empty<RejectedImageStatus>();
        var status = new ServerStatus(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "127.0.0.1:40123", "Unicast", "each client", 100,
            scenario is "empty-folder" or "all-rejected" ? Array.Empty<ImageStatus>() : image, rejected, Array.Empty<SessionStatus>(),
            new TrafficStatus(0, 0, 0, 0, 0, new Dictionary<string, long>()), 0);

        var verdict = ServeHealth.Judge(status, started: scenario != "starting", stopping: scenario == "stopping", hasTrustAnchor: scenario != "no-trust", "/srv/images");

        Assert.Equal(healthy, verdict.Healthy);
        Assert.StartsWith(reason, verdict.Reason, StringComparison.Ordinal);
    }

    // ---- the real manager ----------------------------------------------------------------------------------

    private static async Task<(HttpStatusCode Code, string Text)> GetAsync(ManagerProcess manager, string path)
    {
        using HttpResponseMessage response = await Http.GetAsync(new Uri(manager.StatusUri!, path));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Asks until <paramref name="done"/> holds; the snapshot behind both endpoints is refreshed every 250 ms.</summary>
    private static async Task<(HttpStatusCode Code, string Text)> GetUntilAsync(ManagerProcess manager, string path, Func<(HttpStatusCode Code, string Text), bool> done)
    {
        var answer = await GetAsync(manager, path);
        for (int i = 0; i < 600 && !done(answer); i++)
        {
            await Task.Delay(100);
            answer = await GetAsync(manager, path);
        }
        return answer;
    }

    [Fact]
    public async Task Healthz_EmptyThenRejectedThenCapsule_503WithReasonThen200()
    {
        using var folder = new TempFolder();
        string images = Directory.CreateDirectory(folder.Combine("images")).FullName;
        await using var manager = await ManagerProcess.StartAsync(new[]
        {
            "--images", images, "--listen", "127.0.0.1:0", "--trusted", SharedFiles.TrustedPublicKey,
            "--results", folder.Combine("results.jsonl"), "--status-http", "127.0.0.1:0", "--live", "false",
        });

        var empty = await GetAsync(manager, "/healthz");
        File.WriteAllText(Path.Combine(images, "junk.cap"), "not a capsule");
        var rejected = await GetUntilAsync(manager, "/healthz", a => a.Text.Contains("rejected", StringComparison.Ordinal));
        await ManagerCli.PackCapsuleAsync(images, "fw.cap", 4096, seed: 3, SharedFiles.TrustedPrivateKey);
        var serving = await GetUntilAsync(manager, "/healthz", a => a.Code == HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, empty.Code);
        Assert.Equal("no image to offer: " + images + " holds no capsule (add one; the folder is watched)\n", empty.Text);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, rejected.Code);
        Assert.Equal("no image to offer: all 1 files in " + images + " were rejected (GET /status lists why)\n", rejected.Text);
        Assert.Equal(HttpStatusCode.OK, serving.Code);
        Assert.Equal("ok: serving 1 image on udp " + manager.UdpEndPoint + "\n", serving.Text);
    }

    [Fact]
    public async Task Metrics_ThreeSimulatedMachinesWithLoss_ParsedAndCounted()
    {
        using var folder = new TempFolder();
        string images = Directory.CreateDirectory(folder.Combine("images")).FullName;
        string capsule = await ManagerCli.PackCapsuleAsync(images, "fw.cap", 1 << 20, seed: 11, SharedFiles.TrustedPrivateKey);
        await using var manager = await ManagerProcess.StartAsync(new[]
        {
            "--images", images, "--listen", "127.0.0.1:0", "--delivery", "unicast", "--trusted", SharedFiles.TrustedPublicKey,
            "--results", folder.Combine("results.jsonl"), "--status-http", "127.0.0.1:0", "--gather", "0.2", "--live", "false",
            "--faults", "drop=0.05,seed=9", // lost DATA: the machines miss fragments, so there are repair rounds to count
        });
        var before = PrometheusParser.Parse((await GetAsync(manager, "/metrics")).Text);

        var (run, report) = await ManagerCli.SimulateAsync(new[]
        {
            "--clients", "3", "--manager", manager.UdpEndPoint.ToString(), "--bind", "127.0.0.1", "--client-port", "0",
            "--trusted", SharedFiles.TrustedPublicKey, "--out", folder.Combine("out"), "--timeout", "120",
        }, folder.Combine("report.json"));
        Assert.True(run.ExitCode == 0, run.Stderr + "\n--- manager ---\n" + manager.Output);
        var answer = await GetUntilAsync(manager, "/metrics", a => a.Text.Contains("uefirecovery_results_total{outcome=\"success\"} 3\n", StringComparison.Ordinal));
        using HttpResponseMessage response = await Http.GetAsync(new Uri(manager.StatusUri!, "/metrics"));

        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var metrics = PrometheusParser.Parse(answer.Text);
        Assert.Equal(0, PrometheusParser.Value(before, "uefirecovery_results_total", ("outcome", "success")));
        Assert.Equal(0, PrometheusParser.Value(before, "uefirecovery_sessions_started_total"));
        Assert.Equal(1, PrometheusParser.Value(metrics, "uefirecovery_up"));
        Assert.Equal(1, PrometheusParser.Value(metrics, "uefirecovery_images"));
        Assert.Equal(3, PrometheusParser.Value(metrics, "uefirecovery_results_total", ("outcome", "success")));
        foreach (string other in new[] { "failure", "left", "timeout" })
            Assert.Equal(0, PrometheusParser.Value(metrics, "uefirecovery_results_total", ("outcome", other)));
        Assert.Equal(3, PrometheusParser.Value(metrics, "uefirecovery_sessions_started_total")); // unicast: a session per machine
        Assert.True(PrometheusParser.Value(metrics, "uefirecovery_repair_rounds_total") >= 1, answer.Text);
        Assert.True(PrometheusParser.Value(metrics, "uefirecovery_sent_bytes_total") >= 3 * new FileInfo(capsule).Length, answer.Text);
        Assert.Equal(0, PrometheusParser.Value(metrics, "uefirecovery_machines", ("state", "receiving")));
        Assert.True(PrometheusParser.Value(metrics, "uefirecovery_drops_by_reason_total", ("reason", "injected-drop")) > 0, answer.Text);
        // Prometheus's own parser and linter agree with ours: nothing to say about the exposition.
        var (promtoolExit, promtoolSays) = Promtool.CheckMetrics(answer.Text);
        Assert.True(promtoolExit == 0 && promtoolSays.Length == 0, "promtool check metrics: exit " + promtoolExit + ": " + promtoolSays + "\n" + answer.Text);

        // The same figures as /status (counters: nothing changes once every machine reported); its listed sessions'
        // rounds are part of the total (a finished session stops being listed after a minute, its rounds stay counted).
        using JsonDocument status = await manager.GetStatusAsync();
        long totalRounds = status.RootElement.GetProperty("totals").GetProperty("repairRounds").GetInt64();
        Assert.Equal(PrometheusParser.Value(metrics, "uefirecovery_repair_rounds_total"), totalRounds);
        Assert.True(totalRounds >= status.RootElement.GetProperty("sessions").EnumerateArray().Sum(s => s.GetProperty("repairRounds").GetInt32()));
        Assert.Equal(3, status.RootElement.GetProperty("totals").GetProperty("resultsByOutcome").GetProperty("success").GetInt64());
    }
}
