using System.Diagnostics;
using System.IO;

namespace UefiRecovery.Manager.Tests.Fixtures;

/// <summary>
/// Prometheus's own checker (`promtool check metrics`, Debian package prometheus): parses an exposition with the
/// real Prometheus parser and lints it (names, types, help, units). Exit 0 and no output when it has nothing to say.
/// </summary>
public static class Promtool
{
    public const string Path = "/usr/bin/promtool";

    public static (int ExitCode, string Output) CheckMetrics(string exposition)
    {
        if (!File.Exists(Path)) throw new FileNotFoundException(Path + " is missing: install the Debian package prometheus (.ci/packages.txt)");
        var start = new ProcessStartInfo(Path) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("check");
        start.ArgumentList.Add("metrics");
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(exposition);
        process.StandardInput.Close();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, (stdout + stderr.Result).Trim());
    }
}
