using System;
using System.IO;
using System.Text.Json;
using System.Threading.Tasks;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving;

/// <summary>`--report -` is standard output (the Unix convention), not a file named "-". Real manager processes.</summary>
public sealed class ReportToStdoutTests
{
    [Fact]
    public async Task Simulate_ReportDash_JsonOnStdoutAndNoFileNamedDash()
    {
        using var folder = new TempFolder();
        string images = Directory.CreateDirectory(folder.Combine("images")).FullName;
        await ManagerCli.PackCapsuleAsync(images, "fw.cap", 64 << 10, seed: 17, SharedFiles.TrustedPrivateKey);
        await using var manager = await ManagerProcess.StartAsync(new[]
        {
            "--images", images, "--listen", "127.0.0.1:0", "--delivery", "unicast", "--trusted", SharedFiles.TrustedPublicKey,
            "--results", "off", "--status-http", "off", "--gather", "0.2", "--live", "false",
        });
        string work = Directory.CreateDirectory(folder.Combine("cwd")).FullName;

        var run = await ManagerCli.RunAsync(new[]
        {
            "simulate", "--report", "-", "--clients", "1", "--manager", manager.UdpEndPoint.ToString(), "--bind", "127.0.0.1",
            "--client-port", "0", "--trusted", SharedFiles.TrustedPublicKey, "--out", folder.Combine("out"), "--timeout", "120",
        }, timeout: TimeSpan.FromMinutes(3), workingDirectory: work);

        Assert.True(run.ExitCode == 0, run.Stderr + "\n--- manager ---\n" + manager.Output);
        using JsonDocument report = JsonDocument.Parse(run.Stdout); // stdout is the report and nothing else
        Assert.Equal(1, report.RootElement.GetProperty("succeeded").GetInt32());
        Assert.Empty(Directory.GetFileSystemEntries(work));
    }

    [RootFact]
    public async Task Benchmark_ReportDash_JsonOnStdoutProgressOnStderr()
    {
        using var folder = new TempFolder();
        // The smallest benchmark: 1 MiB, 2 machines, no loss runs, no uftp/TFTP (a few seconds).
        var run = await ManagerCli.RunAsync(new[]
        {
            "benchmark", "--report", "-", "--size-mib", "1", "--clients", "2", "--loss", "0", "--skip-uftp", "--skip-tftp", "--repeat", "1",
        }, timeout: TimeSpan.FromMinutes(5), workingDirectory: folder.FullPath);

        Assert.True(run.ExitCode == 0, run.Stdout + "\n" + run.Stderr);
        using JsonDocument report = JsonDocument.Parse(run.Stdout);
        Assert.Equal(2, report.RootElement.GetProperty("clients").GetInt32());
        Assert.Contains("time(2 machines) / time(1 machine)", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(folder.FullPath));
    }
}
