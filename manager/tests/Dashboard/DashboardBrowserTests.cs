using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using OpenQA.Selenium;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;

namespace UefiRecovery.Manager.Tests.Dashboard;

/// <summary>
/// The web dashboard in a real browser (Debian's chromium through chromedriver) against the real manager process
/// serving real simulated machines over 127.0.0.1: the page is opened before any machine exists, so everything it
/// shows afterwards came through its event stream. Each test leaves artifacts/screenshots/TEST.png.
/// </summary>
public sealed class DashboardBrowserTests
{
    private static readonly TimeSpan PageTimeout = TimeSpan.FromSeconds(90);

    private static List<string> ServeArgs(string images, string results, string listen, string statusHttp, string rate) => new()
    {
        "--images", images, "--listen", listen, "--delivery", "unicast", "--trusted", SharedFiles.TrustedPublicKey,
        "--results", results, "--status-http", statusHttp, "--gather", "0.2", "--rate", rate,
    };

    private static List<string> SimulateArgs(ManagerProcess manager, int clients, string outFolder, string faults) => new()
    {
        "--clients", clients.ToString(System.Globalization.CultureInfo.InvariantCulture), "--manager", manager.UdpEndPoint.ToString(),
        "--bind", "127.0.0.1", "--client-port", "0", "--trusted", SharedFiles.TrustedPublicKey, "--out", outFolder,
        "--timeout", "120", "--faults", faults,
    };

    private static Uri PageOf(ManagerProcess manager) => new(manager.StatusUri!, "/");

    private static string Describe(DashboardBrowser browser, ManagerProcess manager) =>
        "connection=" + browser.Attribute("#connection", "data-state") + " tiles=["
        + string.Join("; ", browser.Machines().Select(m => m.Mac + " " + m.State + " " + m.Progress + "%")) + "]\n--- manager ---\n" + manager.Output;

    private static string[] ClientIds(JsonDocument? report) =>
        report!.RootElement.GetProperty("results").EnumerateArray().Select(c => c.GetProperty("clientId").GetString()!).OrderBy(m => m, StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task Dashboard_SimulatedMachinesRecover_GridShowsEveryMachineReachingSuccess()
    {
        using var folder = new TempFolder();
        string images = Directory.CreateDirectory(folder.Combine("images")).FullName;
        await ManagerCli.PackCapsuleAsync(images, "fw.cap", 1 << 20, seed: 71, SharedFiles.TrustedPrivateKey);
        await using var manager = await ManagerProcess.StartAsync(ServeArgs(images, folder.Combine("results.jsonl"), "127.0.0.1:0", "127.0.0.1:0", "40"));
        using var browser = DashboardBrowser.Start(nameof(Dashboard_SimulatedMachinesRecover_GridShowsEveryMachineReachingSuccess));
        browser.Open(PageOf(manager));
        await browser.WaitUntilAsync(() => browser.Attribute("#connection", "data-state") == "live", PageTimeout, () => Describe(browser, manager));
        Assert.Empty(browser.Machines());

        // Receive-side loss makes the machines NACK, so the page has repair rounds to show.
        const int Clients = 8;
        var (run, report) = await ManagerCli.SimulateAsync(SimulateArgs(manager, Clients, folder.Combine("out"), "drop=0.03,seed=9"), folder.Combine("report.json"));
        Assert.True(run.ExitCode == 0, run.Stderr + "\n--- manager ---\n" + manager.Output);
        string[] macs = ClientIds(report);
        Assert.Equal(Clients, macs.Length);

        await browser.WaitUntilAsync(() => browser.Machines() is { Count: Clients } tiles && tiles.All(t => t.State == "success"), PageTimeout, () => Describe(browser, manager));
        IReadOnlyList<MachineTile> shown = browser.Machines();
        Assert.Equal(macs, shown.Select(t => t.Mac).ToArray());
        Assert.All(shown, t =>
        {
            Assert.Equal(100, t.Progress);
            Assert.Contains("fw.cap", t.Text, StringComparison.Ordinal);
            Assert.Contains("success", t.Text, StringComparison.Ordinal);
        });

        // Every machine has a timeline row that got as far as the transfer and ends at its RESULT.
        var timeline = browser.Rows("return [...document.querySelectorAll('#timeline g[data-mac]')].map(g => [g.dataset.mac, ...[...g.querySelectorAll('rect')].map(r => r.dataset.phase)]);");
        Assert.Equal(macs, timeline.Select(r => r[0]).ToArray());
        foreach (string[] row in timeline)
        {
            Assert.True(row.Contains("transfer") || row.Contains("transfer-write"), string.Join(",", row));
            Assert.DoesNotContain("ended", row);
        }

        // The sessions table says what /status says (repair rounds per session), and there were some.
        using JsonDocument status = await manager.GetStatusAsync();
        var expected = status.RootElement.GetProperty("sessions").EnumerateArray()
            .ToDictionary(s => s.GetProperty("sessionIdHex").GetString()!, s => s.GetProperty("repairRounds").GetInt32());
        Assert.True(expected.Values.Sum() > 0, "the seeded loss should have cost repair rounds");
        await browser.WaitUntilAsync(() => SessionRows(browser).Count == expected.Count, PageTimeout, () => Describe(browser, manager));
        Assert.Equal(expected.OrderBy(e => e.Key), SessionRows(browser).OrderBy(e => e.Key));
        Assert.False(string.IsNullOrEmpty(browser.Attribute("#throughput path", "d")), "the throughput chart has a line");
        Assert.Equal(Clients.ToString(System.Globalization.CultureInfo.InvariantCulture), browser.Rows("return [[document.querySelector(\"#summary [data-count='success'] b\").textContent]];")[0][0]);

        // No CSP violation and no script error on the way.
        Assert.DoesNotContain(browser.ConsoleLines(), l => l.StartsWith("Severe", StringComparison.OrdinalIgnoreCase) || l.Contains("Content Security Policy", StringComparison.Ordinal));
        browser.SaveScreenshot();
    }

    // Session id and repair rounds of each row of the sessions table.
    private static Dictionary<string, int> SessionRows(DashboardBrowser browser) =>
        browser.Rows("return [...document.querySelectorAll('#sessions tbody tr')].map(r => [r.dataset.session, r.cells[4].textContent, r.cells[2].textContent]);")
            .ToDictionary(r => r[0], r => int.Parse(r[1], System.Globalization.CultureInfo.InvariantCulture));

    private static bool AnySessionSending(DashboardBrowser browser) =>
        browser.Rows("return [...document.querySelectorAll('#sessions tbody tr')].map(r => [r.cells[2].textContent]);").Any(r => r[0] == "Sending");

    [Fact]
    public async Task Dashboard_ManagerRestartedMidTransfer_ReconnectsAndGridRepopulates()
    {
        using var folder = new TempFolder();
        string images = Directory.CreateDirectory(folder.Combine("images")).FullName;
        await ManagerCli.PackCapsuleAsync(images, "fw.cap", 1 << 20, seed: 72, SharedFiles.TrustedPrivateKey);
        string results = folder.Combine("results.jsonl");
        const int Clients = 4;
        var first = await ManagerProcess.StartAsync(ServeArgs(images, results, "127.0.0.1:0", "127.0.0.1:0", "2"));
        // The restarted manager takes the same ports: the machines and the page know only those.
        string listen = first.UdpEndPoint.ToString();
        string statusHttp = "127.0.0.1:" + first.StatusUri!.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Uri page = PageOf(first);
        using var browser = DashboardBrowser.Start(nameof(Dashboard_ManagerRestartedMidTransfer_ReconnectsAndGridRepopulates));
        Task<(ManagerCli.Run Run, JsonDocument? Report)> machines;
        string firstStartedAt;
        try
        {
            browser.Open(page);
            await browser.WaitUntilAsync(() => browser.Attribute("#connection", "data-state") == "live", PageTimeout, () => Describe(browser, first));
            firstStartedAt = browser.Attribute("body", "data-started-at")!;
            // A mark in this page's own script state: a reload would lose it.
            ((IJavaScriptExecutor)browser.Driver).ExecuteScript("window.testMark = 'before restart';");
            machines = ManagerCli.SimulateAsync(SimulateArgs(first, Clients, folder.Combine("out"), "drop=0.01,seed=4"), folder.Combine("report.json"));
            // Killed while the page shows every machine receiving and DATA going out (a pass takes seconds at 2 Mbit/s).
            await browser.WaitUntilAsync(() => browser.Machines() is { Count: Clients } tiles && tiles.All(t => t.State == "receiving") && AnySessionSending(browser),
                PageTimeout, () => Describe(browser, first));
            first.Kill();
        }
        finally
        {
            await first.DisposeAsync();
        }
        await browser.WaitUntilAsync(() => browser.Attribute("#connection", "data-state") == "reconnecting", PageTimeout, () => Describe(browser, first));
        Assert.DoesNotContain(browser.Machines(), t => t.State == "success");

        await using var second = await ManagerProcess.StartAsync(ServeArgs(images, results, listen, statusHttp, "2"));
        await browser.WaitUntilAsync(() => browser.Attribute("#connection", "data-state") == "live" && browser.Attribute("body", "data-started-at") != firstStartedAt,
            PageTimeout, () => Describe(browser, second));
        var (run, report) = await machines;
        Assert.True(run.ExitCode == 0, run.Stderr + "\n--- second manager ---\n" + second.Output);

        string[] macs = ClientIds(report);
        await browser.WaitUntilAsync(() => browser.Machines() is { Count: Clients } tiles && tiles.All(t => t.State == "success"), PageTimeout, () => Describe(browser, second));
        Assert.Equal(macs, browser.Machines().Select(t => t.Mac).ToArray());
        Assert.NotEmpty(browser.Driver.FindElements(By.CssSelector("#throughput line.restart")));
        Assert.Equal("before restart", browser.Rows("return [[String(window.testMark)]];")[0][0]); // reconnected by itself, never reloaded
        browser.SaveScreenshot();
    }

    [Fact]
    public async Task Dashboard_CapsuleNamedLikeMarkup_ShownAsTextNeverRun()
    {
        using var folder = new TempFolder();
        string images = Directory.CreateDirectory(folder.Combine("images")).FullName;
        await ManagerCli.PackCapsuleAsync(images, "fw.cap", 8192, seed: 74, SharedFiles.TrustedPrivateKey);
        // Whoever can drop a file into --images chooses its name; the catalog lists it (rejected: not a capsule).
        const string Hostile = "<img src=x onerror=\"document.title='pwned'\">.cap";
        await File.WriteAllBytesAsync(Path.Combine(images, Hostile), new byte[64]);
        await using var manager = await ManagerProcess.StartAsync(ServeArgs(images, folder.Combine("r.jsonl"), "127.0.0.1:0", "127.0.0.1:0", "100"));
        using var browser = DashboardBrowser.Start(nameof(Dashboard_CapsuleNamedLikeMarkup_ShownAsTextNeverRun));
        browser.Open(PageOf(manager));

        const string CatalogRows = "return [...document.querySelectorAll('#catalog tbody tr')].map(r => [r.dataset.image, r.dataset.state, r.innerText]);";
        await browser.WaitUntilAsync(() => browser.Rows(CatalogRows).Count == 2, PageTimeout, () => Describe(browser, manager));
        var rows = browser.Rows(CatalogRows).ToDictionary(r => r[0]);
        Assert.Equal("offered", rows["fw.cap"][1]);
        Assert.Equal("rejected", rows[Hostile][1]);
        Assert.Contains(Hostile, rows[Hostile][2], StringComparison.Ordinal);
        // Shown as the characters it is: no element made of it, nothing run.
        Assert.Equal("0", browser.Rows("return [[String(document.querySelectorAll('img').length)]];")[0][0]);
        Assert.Equal("UefiRecovery manager", browser.Driver.Title);
        Assert.DoesNotContain(browser.ConsoleLines(), l => l.StartsWith("Severe", StringComparison.OrdinalIgnoreCase));
        browser.SaveScreenshot();
    }

    [Fact]
    public async Task Dashboard_PageAndEvents_StrictCspSameAccessRulesAsStatus()
    {
        using var folder = new TempFolder();
        string images = Directory.CreateDirectory(folder.Combine("images")).FullName;
        await ManagerCli.PackCapsuleAsync(images, "fw.cap", 8192, seed: 73, SharedFiles.TrustedPrivateKey);
        await using var manager = await ManagerProcess.StartAsync(ServeArgs(images, folder.Combine("r.jsonl"), "127.0.0.1:0", "127.0.0.1:0", "100"));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        Uri page = PageOf(manager);

        using (HttpResponseMessage response = await http.GetAsync(page))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            string csp = string.Join(" ", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
            Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe", csp, StringComparison.Ordinal);
            string html = await response.Content.ReadAsStringAsync();
            // Every script is a file of this origin; no inline script, handler or style for the CSP to forbid.
            Assert.Equal(1, CountOf(html, "<script"));
            Assert.Contains("<script src=\"/dashboard/app.js\"", html, StringComparison.Ordinal);
            Assert.Equal(0, CountOf(html, " style=") + CountOf(html, " onclick=") + CountOf(html, " onload=") + CountOf(html, "<style"));
        }
        foreach (string path in new[] { "/dashboard/app.js", "/dashboard/style.css" })
        {
            using HttpResponseMessage asset = await http.GetAsync(new Uri(page, path));
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
            Assert.Equal("nosniff", string.Join("", asset.Headers.GetValues("X-Content-Type-Options")));
        }

        // /events: the first event is the /status snapshot as JSON.
        using (var request = new HttpRequestMessage(HttpMethod.Get, new Uri(page, "/events")))
        using (HttpResponseMessage events = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal("text/event-stream", events.Content.Headers.ContentType?.MediaType);
            using var reader = new StreamReader(await events.Content.ReadAsStreamAsync());
            string? line;
            while ((line = await reader.ReadLineAsync()) is not null && !line.StartsWith("data: ", StringComparison.Ordinal)) { }
            Assert.NotNull(line);
            using JsonDocument snapshot = JsonDocument.Parse(line!["data: ".Length..]);
            Assert.Equal("fw.cap", snapshot.RootElement.GetProperty("images")[0].GetProperty("name").GetString());
            Assert.Equal(manager.UdpEndPoint.ToString(), snapshot.RootElement.GetProperty("listen").GetString());
        }

        // A page from another name (DNS rebinding) gets neither the dashboard nor its events.
        foreach (string path in new[] { "/", "/events", "/dashboard/app.js" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(page, path));
            request.Headers.Host = "attacker.example:" + page.Port;
            using HttpResponseMessage refused = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.MisdirectedRequest, refused.StatusCode);
        }
    }

    private static int CountOf(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.OrdinalIgnoreCase); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.OrdinalIgnoreCase)) count++;
        return count;
    }
}
