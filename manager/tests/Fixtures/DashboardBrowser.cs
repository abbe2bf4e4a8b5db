using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace UefiRecovery.Manager.Tests.Fixtures;

/// <summary>
/// Debian's real Chromium, headless, driven by its chromedriver through Selenium, with a fresh profile per test.
/// A test calls <see cref="SaveScreenshot()"/> at its end (artifacts/screenshots/TEST.png, the page as the test left
/// it); disposing saves one if the test never got there (it failed: that is when it is wanted most) and ends the browser.
/// </summary>
public sealed class DashboardBrowser : IDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string ChromedriverPath = "/usr/bin/chromedriver";

    private readonly ChromeDriver _driver;
    private readonly string _profile;
    private readonly string _testName;

    private DashboardBrowser(ChromeDriver driver, string profile, string testName)
    {
        _driver = driver;
        _profile = profile;
        _testName = testName;
    }

    public IWebDriver Driver => _driver;

    /// <summary>Starts Chromium with the flags that work headless as root on a build machine (no sandbox, no GPU, nothing fetched in the background).</summary>
    public static DashboardBrowser Start(string testName, int width = 1280, int height = 1000)
    {
        foreach (var (path, package) in new[] { (ChromiumPath, "chromium"), (ChromedriverPath, "chromium-driver") })
            if (!File.Exists(path))
                throw new InvalidOperationException(path + " is missing: install the Debian package " + package + " (.ci/packages.txt, .ci/install-packages)");
        string profile = Directory.CreateTempSubdirectory("uefirecovery-chromium-").FullName;
        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        options.AddArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
            "--user-data-dir=" + profile, $"--window-size={width},{height}");
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromedriverPath)!, Path.GetFileName(ChromedriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        try
        {
            return new DashboardBrowser(new ChromeDriver(service, options, TimeSpan.FromSeconds(120)), profile, testName);
        }
        catch
        {
            Directory.Delete(profile, recursive: true);
            throw;
        }
    }

    public void Open(Uri page) => _driver.Navigate().GoToUrl(page);

    /// <summary>The value of <paramref name="attribute"/> on the first element matching <paramref name="css"/>, or null.</summary>
    public string? Attribute(string css, string attribute) =>
        _driver.FindElements(By.CssSelector(css)).FirstOrDefault()?.GetDomAttribute(attribute);

    /// <summary>
    /// The machine tiles of the grid: MAC, state, progress %, the tile's text. Read in one script call: the page redraws
    /// the grid with every event, so elements found one by one can be gone before they are read.
    /// </summary>
    public IReadOnlyList<MachineTile> Machines() => Rows(
            "return [...document.querySelectorAll('#machines .machine')].map(e => [e.dataset.mac, e.dataset.state, e.dataset.progress, e.innerText]);")
        .Select(r => new MachineTile(r[0], r[1], int.Parse(r[2], System.Globalization.CultureInfo.InvariantCulture), r[3]))
        .ToList();

    /// <summary>Runs <paramref name="script"/> (WebDriver's own channel, not the page's: its CSP does not apply) and returns its array of string arrays.</summary>
    public IReadOnlyList<string[]> Rows(string script)
    {
        var rows = (IReadOnlyCollection<object>)_driver.ExecuteScript(script)!;
        return rows.Select(row => ((IReadOnlyCollection<object>)row).Select(cell => Convert.ToString(cell, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToArray()).ToList();
    }

    /// <summary>Polls <paramref name="condition"/> (the page updates itself) until it holds; fails with <paramref name="describe"/>'s account of the page and the browser's console when it never does.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe)
    {
        DateTime until = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                if (condition()) return;
            }
            catch (StaleElementReferenceException)
            {
                // The page replaced the element between finding and reading it: ask again.
            }
            if (DateTime.UtcNow > until)
                throw new TimeoutException("the dashboard did not get there within " + timeout.TotalSeconds + " s: " + describe() + "\n--- browser console ---\n" + string.Join('\n', ConsoleLines()));
            await Task.Delay(200).ConfigureAwait(false);
        }
    }

    /// <summary>What the page wrote to the console (errors, CSP violations), read once: Chromium hands each entry out once.</summary>
    public IReadOnlyList<string> ConsoleLines() => _driver.Manage().Logs.GetLog(LogType.Browser).Select(e => e.Level + " " + e.Message).ToList();

    /// <summary>Where screenshots go: artifacts/screenshots beside the solution.</summary>
    public static string ScreenshotFolder
    {
        get
        {
            for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "UefiRecovery.sln")))
                    return Path.Combine(dir.FullName, "artifacts", "screenshots");
            return Path.Combine(AppContext.BaseDirectory, "screenshots");
        }
    }

    private bool _saved;

    /// <summary>Saves the page as artifacts/screenshots/TEST.png.</summary>
    public string SaveScreenshot()
    {
        Directory.CreateDirectory(ScreenshotFolder);
        string path = Path.Combine(ScreenshotFolder, _testName + ".png");
        _driver.GetScreenshot().SaveAsFile(path);
        _saved = true;
        return path;
    }

    public void Dispose()
    {
        try
        {
            if (!_saved) SaveScreenshot();
        }
        catch (WebDriverException)
        {
            // A browser that died has no page to show; the test's own failure says why.
        }
        _driver.Quit();
        _driver.Dispose();
        try { Directory.Delete(_profile, recursive: true); } catch (IOException) { }
    }
}

/// <summary>One tile of the dashboard's machine grid as the browser shows it.</summary>
public sealed record MachineTile(string Mac, string State, int Progress, string Text);
