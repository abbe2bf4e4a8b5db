using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using UefiRecovery.Manager.Configuration;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;

namespace UefiRecovery.Manager.Tests.Configuration;

/// <summary>
/// `serve` options from appsettings.json and UEFIRECOVERY_Serve__* (docs/operating.md §1.2), the default state
/// directory and --log-level, through the real manager process.
/// </summary>
public sealed class ServeSettingsTests : IDisposable
{
    private readonly TempFolder _folder = new("serve-settings");

    public ServeSettingsTests() => Directory.CreateDirectory(_folder.Combine("images"));

    public void Dispose() => _folder.Dispose();

    private string Images => _folder.Combine("images");

    private static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    [Fact]
    public async Task Serve_EveryOptionFromEnvironment_ReadyAndStateInStateDirectory()
    {
        string state = _folder.Combine("state");
        var environment = new Dictionary<string, string>
        {
            ["STATE_DIRECTORY"] = state,
            ["UEFIRECOVERY_Serve__Images"] = Images,
            ["UEFIRECOVERY_Serve__Trusted__0"] = SharedFiles.TrustedPublicKey,
            ["UEFIRECOVERY_SERVE__LISTEN"] = "127.0.0.1:0", // names are case-insensitive
            ["UEFIRECOVERY_Serve__StatusHttp"] = "off",
            ["UEFIRECOVERY_Serve__Live"] = "false",
            ["UEFIRECOVERY_Serve__Name"] = "from-environment",
        };

        await using (var manager = await ManagerProcess.StartAsync(Array.Empty<string>(), environment: environment))
        {
            Assert.Equal(IPAddress.Loopback, manager.UdpEndPoint.Address);
            Assert.Contains("http=off", manager.Output, StringComparison.Ordinal);
        }

        Assert.True(File.Exists(Path.Combine(state, StateDirectory.ResultsFileName)), "the result log is in $STATE_DIRECTORY");
        Assert.True(File.Exists(Path.Combine(state, "uefirecovery-member.secret")), "the member secret is beside it");
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(state));
    }

    [Fact]
    public async Task Serve_SettingsFileAndCommandLine_CommandLineWinsFileFillsTheRest()
    {
        string file = _folder.Combine("appsettings.json");
        File.WriteAllText(file, "{ \"Serve\": { \"Images\": " + Json(_folder.Combine("not-there")) + ", \"Trusted\": [ " + Json(SharedFiles.TrustedPublicKey)
            + " ], \"Listen\": \"127.0.0.1:0\", \"StatusHttp\": \"127.0.0.1:0\", \"Results\": \"off\", \"Live\": false } }");

        await using var manager = await ManagerProcess.StartAsync(new[] { "--config", file, "--images", Images });

        // Ready at all: --images from the command line replaced the file's missing folder (alone it is exit 7, next test).
        Assert.NotNull(manager.StatusUri); // StatusHttp came from the file
        using var status = await manager.GetStatusAsync();
        Assert.StartsWith("127.0.0.1:", status.RootElement.GetProperty("listen").GetString(), StringComparison.Ordinal); // so did Listen
    }

    [Fact]
    public async Task Serve_SettingInFileAndEnvironment_EnvironmentWins()
    {
        string file = _folder.Combine("appsettings.json");
        File.WriteAllText(file, "{ \"Serve\": { \"Images\": " + Json(_folder.Combine("not-there")) + " } }");
        string[] rest = { "--config", file, "--trusted", SharedFiles.TrustedPublicKey, "--listen", "127.0.0.1:0", "--status-http", "off", "--results", "off", "--live", "false" };

        var fromFile = await ManagerCli.RunAsync(new[] { "serve" }.Concat(rest), timeout: TimeSpan.FromMinutes(2));
        await using var fromEnvironment = await ManagerProcess.StartAsync(rest, environment: new Dictionary<string, string> { ["UEFIRECOVERY_Serve__Images"] = Images });

        Assert.True(fromFile.ExitCode == ExitCodes.Configuration, fromFile.Stderr);
        Assert.StartsWith("serve: --images " + _folder.Combine("not-there") + ": no such folder", fromFile.Stderr, StringComparison.Ordinal);
        Assert.False(fromEnvironment.HasExited);
    }

    public static TheoryData<string> BadSettings() => new() { "missing-file", "not-json", "list-for-one-value" };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task Serve_BadSettings_ExitConfigurationOneLineNoReady(string scenario)
    {
        string file = _folder.Combine("appsettings.json");
        string expected;
        switch (scenario)
        {
            case "missing-file":
                file = _folder.Combine("nowhere.json");
                expected = "serve: --config " + file + ": no such file (give the path of an appsettings.json with a \"Serve\" section)";
                break;
            case "not-json":
                File.WriteAllText(file, "{ \"Serve\": ");
                expected = "serve: cannot read the settings file " + file + ": ";
                break;
            case "list-for-one-value":
                File.WriteAllText(file, "{ \"Serve\": { \"Listen\": [ \"127.0.0.1:1\", \"127.0.0.1:2\" ] } }");
                expected = "serve: the setting Serve:Listen (--listen) takes one value, not a list";
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(scenario), scenario, null);
        }

        var run = await ManagerCli.RunAsync(new[] { "serve", "--config", file, "--images", Images, "--trusted", SharedFiles.TrustedPublicKey, "--results", "off" },
            timeout: TimeSpan.FromMinutes(2));

        Assert.True(run.ExitCode == ExitCodes.Configuration, $"exit {run.ExitCode}\n{run.Stdout}\n{run.Stderr}");
        Assert.StartsWith(expected, run.Stderr, StringComparison.Ordinal);
        Assert.Single(run.Stderr.TrimEnd('\n').Split('\n'));
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public async Task Serve_LogLevelWarningFromEnvironment_NoInformationLines()
    {
        string[] arguments = { "--images", Images, "--trusted", SharedFiles.TrustedPublicKey, "--listen", "127.0.0.1:0", "--status-http", "off", "--results", "off", "--live", "false" };

        await using var chatty = await ManagerProcess.StartAsync(arguments);
        await using var quiet = await ManagerProcess.StartAsync(arguments, environment: new Dictionary<string, string> { ["UEFIRECOVERY_Serve__LogLevel"] = "warning" });

        Assert.True(await OutputShowsAsync(chatty, " info: "), chatty.Output);
        Assert.True(await OutputShowsAsync(quiet, "serving ") == false, quiet.Output); // the line chatty logs at information
        Assert.Contains("ready udp=", quiet.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_LogLevelGivenAndFrameworkLoggingVariable_LogLevelWins()
    {
        string[] arguments = { "--images", Images, "--trusted", SharedFiles.TrustedPublicKey, "--listen", "127.0.0.1:0", "--status-http", "off", "--results", "off", "--live", "false", "--log-level", "information" };

        await using var manager = await ManagerProcess.StartAsync(arguments, environment: new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning" });

        Assert.True(await OutputShowsAsync(manager, " info: "), manager.Output);
    }

    /// <summary>Whether the manager's output shows <paramref name="text"/> within 10 s: log lines leave through the console logger's own queue, so they may follow the ready line.</summary>
    private static async Task<bool> OutputShowsAsync(ManagerProcess manager, string text)
    {
        for (int i = 0; i < 100; i++)
        {
            if (manager.Output.Contains(text, StringComparison.Ordinal)) return true;
            await Task.Delay(100);
        }
        return false;
    }

    [Fact]
    public async Task Serve_PortBusyWithLogLevelDebug_SameLineThenStackTrace()
    {
        using var busy = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)busy.Client.LocalEndPoint!).Port;
        string[] arguments = { "serve", "--images", Images, "--trusted", SharedFiles.TrustedPublicKey, "--listen", "127.0.0.1:" + port, "--status-http", "off", "--results", "off", "--live", "false" };

        var plain = await ManagerCli.RunAsync(arguments, timeout: TimeSpan.FromMinutes(2));
        var debug = await ManagerCli.RunAsync(arguments.Append("--log-level").Append("debug"), timeout: TimeSpan.FromMinutes(2));

        string line = "serve: cannot listen on UDP 127.0.0.1:" + port + " (--listen): the port is in use by another program (ss -lunp or ss -ltnp shows which)";
        Assert.Equal(ExitCodes.Unavailable, plain.ExitCode);
        Assert.EndsWith("\n" + line + "\n", plain.Stderr, StringComparison.Ordinal); // after the in-memory secret warning of --results off
        Assert.DoesNotContain(" at ", plain.Stderr, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Unavailable, debug.ExitCode);
        Assert.Contains(line + "\n", debug.Stderr, StringComparison.Ordinal);
        Assert.Contains("ListenFailedException", debug.Stderr, StringComparison.Ordinal);
        Assert.Contains(" at ", debug.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("ready udp=", debug.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_NoResultsNoStateNoHome_ExitConfigurationNamingTheFix()
    {
        var environment = new Dictionary<string, string> { ["HOME"] = "", ["XDG_STATE_HOME"] = "", ["STATE_DIRECTORY"] = "" };

        var run = await ManagerCli.RunAsync(new[] { "serve", "--images", Images, "--trusted", SharedFiles.TrustedPublicKey, "--listen", "127.0.0.1:0", "--status-http", "off" },
            timeout: TimeSpan.FromMinutes(2), environment: environment);

        Assert.True(run.ExitCode == ExitCodes.Configuration, $"exit {run.ExitCode}\n{run.Stderr}");
        Assert.Equal("serve: no state directory for the result log: give --state-dir DIR or --results FILE (neither STATE_DIRECTORY, XDG_STATE_HOME nor HOME is set)", run.Stderr.TrimEnd('\n'));
    }

    [Fact]
    public async Task Serve_StateDirectoryUnderAFile_ExitUnavailableNamingTheFile()
    {
        File.WriteAllText(_folder.Combine("a-file"), "");
        string state = _folder.Combine("a-file/state");

        var run = await ManagerCli.RunAsync(new[] { "serve", "--images", Images, "--trusted", SharedFiles.TrustedPublicKey, "--listen", "127.0.0.1:0", "--status-http", "off", "--state-dir", state },
            timeout: TimeSpan.FromMinutes(2));

        Assert.True(run.ExitCode == ExitCodes.Unavailable, $"exit {run.ExitCode}\n{run.Stderr}");
        Assert.Equal("serve: cannot create the state directory " + state + " (--state-dir): " + _folder.Combine("a-file") + " is a file, not a folder", run.Stderr.TrimEnd('\n'));
        Assert.False(Directory.Exists(state));
    }

    // ---- units ---------------------------------------------------------------------------------------------

    public static TheoryData<string, string> SettingNameRows() => new()
    {
        { "--images", "Images" },
        { "--status-http", "StatusHttp" },
        { "--trusted-key-hash", "TrustedKeyHash" },
        { "--insecure-serve-unverified", "InsecureServeUnverified" },
        { "--log-level", "LogLevel" },
    };

    [Theory]
    [MemberData(nameof(SettingNameRows))]
    public void SettingName_OptionName_PascalCase(string option, string expected) => Assert.Equal(expected, ServeSettings.SettingName(option));

    /// <summary>STATE_DIRECTORY, XDG_STATE_HOME, HOME, expected default.</summary>
    public static TheoryData<string?, string?, string?, string?> StateDirectoryRows() => new()
    {
        { "/var/lib/uefirecovery", "/home/op/.state", "/home/op", "/var/lib/uefirecovery" },
        { "/var/lib/a:/var/lib/b", null, null, "/var/lib/a" },
        { null, "/home/op/.state", "/home/op", "/home/op/.state/uefirecovery" },
        { null, "relative", "/home/op", "/home/op/.local/state/uefirecovery" },
        { null, null, "/home/op", "/home/op/.local/state/uefirecovery" },
        { "", "", "", null },
    };

    [Theory]
    [MemberData(nameof(StateDirectoryRows))]
    public void StateDirectoryDefault_Environment_FirstThatIsSet(string? systemd, string? xdg, string? home, string? expected)
    {
        var environment = new Dictionary<string, string?> { ["STATE_DIRECTORY"] = systemd, ["XDG_STATE_HOME"] = xdg, ["HOME"] = home };
        Assert.Equal(expected, StateDirectory.Default(name => environment.GetValueOrDefault(name)));
    }

    [Fact]
    public void Bindable_ServeOptions_EveryVisibleOptionButConfigAndHelp()
    {
        var root = Program.BuildRoot();
        var serve = root.Subcommands.Single(c => c.Name == "serve");

        var names = ServeSettings.Bindable(root, serve).Select(o => o.Name).ToHashSet();

        foreach (var option in serve.Options.Where(o => !o.Hidden && o.Name is not "--config" and not "--help" and not "-h"))
            Assert.Contains(option.Name, names);
        Assert.Contains("--log-level", names);
        Assert.DoesNotContain("--config", names);
    }
}
