using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.Manager.Tests.Deploy;

/// <summary>
/// The shipped unit (manager/deploy/uefirecovery-manager.service) through the real `systemd-analyze` (Debian package
/// systemd, .ci/packages.txt): it parses without a single complaint, and its exit-code policy is the manager's.
/// </summary>
public sealed class SystemdUnitTests : IDisposable
{
    private readonly TempFolder _folder = new("unit");
    private readonly ITestOutputHelper _output;

    public SystemdUnitTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _folder.Dispose();

    /// <summary>manager/deploy/uefirecovery-manager.service, copied beside the tests by the project file.</summary>
    public static string UnitPath => Path.Combine(AppContext.BaseDirectory, "deploy", "uefirecovery-manager.service");

    /// <summary>
    /// A copy under the unit's own name; when this host has no /usr/bin/dotnet, ExecStart names the dotnet that runs
    /// these tests, since verify checks that the command exists (everything else is verified as shipped).
    /// </summary>
    private string UnitCopy()
    {
        string text = File.ReadAllText(UnitPath);
        if (!File.Exists("/usr/bin/dotnet")) text = text.Replace("ExecStart=/usr/bin/dotnet ", "ExecStart=" + ManagerProcess.DotnetHost + " ", StringComparison.Ordinal);
        string copy = _folder.Combine("uefirecovery-manager.service");
        File.WriteAllText(copy, text);
        return copy;
    }

    private static (int ExitCode, string Stdout, string Stderr) SystemdAnalyze(params string[] arguments)
    {
        var start = new ProcessStartInfo("systemd-analyze") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in arguments) start.ArgumentList.Add(a);
        start.Environment["SYSTEMD_COLORS"] = "0";
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("systemd-analyze is missing: install the Debian package systemd (.ci/packages.txt)", e);
        }
        using (process)
        {
            string stdout = process.StandardOutput.ReadToEnd();
            string stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout, stderr);
        }
    }

    [LinuxOnlyFact("systemd-analyze is Linux only")]
    public void SystemdAnalyzeVerify_ShippedUnit_NoComplaint()
    {
        var (exitCode, stdout, stderr) = SystemdAnalyze("verify", UnitCopy());

        // verify exits 0 after an unknown or misspelt key too; it only says so on stderr.
        Assert.True(exitCode == 0, $"exit {exitCode}\n{stdout}\n{stderr}");
        Assert.Equal("", stderr.Trim());
    }

    [LinuxOnlyFact("systemd-analyze is Linux only")]
    public void SystemdAnalyzeVerify_MisspeltKey_Complains()
    {
        // The check above can fail: the same unit with one key misspelt is reported.
        string copy = UnitCopy();
        File.WriteAllText(copy, File.ReadAllText(copy).Replace("NoNewPrivileges=yes", "NoNewPrivilege=yes", StringComparison.Ordinal));

        var (_, _, stderr) = SystemdAnalyze("verify", copy);

        Assert.Contains("Unknown key", stderr, StringComparison.Ordinal);
    }

    [LinuxOnlyFact("systemd-analyze is Linux only")]
    public void SystemdAnalyzeSecurity_ShippedUnit_ExposureLow()
    {
        var (exitCode, stdout, stderr) = SystemdAnalyze("security", "--offline=true", UnitCopy());

        string overall = stdout.Split('\n').Last(l => l.Contains("Overall exposure level", StringComparison.Ordinal));
        _output.WriteLine(overall.Trim()); // the figure, e.g. "1.6 OK" with systemd 252
        Assert.True(exitCode == 0, $"exit {exitCode}\n{stderr}");
        string[] words = overall.Split(':')[1].Trim().Split(' ');
        double exposure = double.Parse(words[0], System.Globalization.CultureInfo.InvariantCulture);
        // systemd's scale: 0 (most protected) .. 10; its own ratings: <= 2 "OK", then "MEDIUM", "EXPOSED", "UNSAFE".
        Assert.True(exposure <= 2.0, "the unit lost hardening: " + overall);
    }

    [Fact]
    public void Unit_ServiceSection_NotifyAndTheManagersExitCodePolicy()
    {
        string[] lines = File.ReadAllLines(UnitPath).Select(l => l.Trim()).ToArray();

        Assert.Contains("Type=notify", lines);
        Assert.Contains("DynamicUser=yes", lines);
        Assert.Contains("StateDirectory=uefirecovery", lines);
        Assert.Contains("CapabilityBoundingSet=", lines);
        Assert.Contains("RestartPreventExitStatus=" + ExitCodes.Usage + " " + ExitCodes.Configuration, lines);
        Assert.Contains(lines, l => l.StartsWith("ExecStart=", StringComparison.Ordinal) && l.EndsWith("uefirecovery-manager.dll serve", StringComparison.Ordinal));
    }
}
