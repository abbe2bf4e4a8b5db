using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.Manager.Tests.Deploy;

/// <summary>
/// The manager as a .NET tool (docs/operating.md §1.1): `dotnet pack` makes UefiRecovery.Manager.VERSION.nupkg,
/// the real `dotnet tool install` puts `uefirecovery-manager` in a tool folder, and that command prints the
/// product version, the same one the EFI app's project carries (one Version in Directory.Build.props).
/// </summary>
public sealed class ToolPackageTests : IDisposable
{
    private readonly TempFolder _folder = new("tool");
    private readonly ITestOutputHelper _output;

    public ToolPackageTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void ToolPackage_Installed_PrintsTheAppsVersion()
    {
        string repo = RepoRoot();
        // The configuration these tests were built in (bin/<Configuration>/net10.0): pack what that build made.
        string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        string appVersion = Dotnet(repo, "msbuild", Path.Combine(repo, "efi-app", "src", "EfiApp.csproj"), "-getProperty:Version").Trim();
        Assert.Matches(@"^\d+\.\d+\.\d+$", appVersion);

        string packages = _folder.Combine("packages");
        Dotnet(repo, "pack", Path.Combine(repo, "manager", "src", "Manager.csproj"), "-c", configuration, "--no-build", "-o", packages, "-p:SharedDir=" + SharedFiles.SharedDir);
        string package = Path.GetFileName(Directory.GetFiles(packages, "*.nupkg").Single());
        Assert.Equal("UefiRecovery.Manager." + appVersion + ".nupkg", package);

        string tools = _folder.Combine("tools");
        Dotnet(_folder.FullPath, "tool", "install", "UefiRecovery.Manager", "--tool-path", tools, "--add-source", packages, "--version", appVersion, "--ignore-failed-sources");
        string version = Run(_folder.FullPath, Path.Combine(tools, "uefirecovery-manager"), "--version").Trim();

        // "0.1.0+<source revision>": the product version, then what it was built from.
        Assert.Equal(appVersion, version.Split('+')[0]);
    }

    private string Dotnet(string workingDirectory, params string[] arguments) => Run(workingDirectory, ManagerProcess.DotnetHost, arguments);

    private string Run(string workingDirectory, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
        foreach (string a in arguments) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), program + " " + string.Join(' ', arguments) + ": did not finish");
        _output.WriteLine("$ " + program + " " + string.Join(' ', arguments) + "\n" + stdout + stderr.Result);
        Assert.True(process.ExitCode == 0, program + " " + string.Join(' ', arguments) + ": exit " + process.ExitCode + "\n" + stdout + stderr.Result);
        return stdout;
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "UefiRecovery.sln"))) return dir.FullName;
        throw new InvalidOperationException("no UefiRecovery.sln above " + AppContext.BaseDirectory);
    }
}
