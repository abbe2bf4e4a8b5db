using System;
using System.Diagnostics;
using System.IO;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using UefiRecovery.Fuzz.Targets;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.Fuzz.Tests;

/// <summary>
/// The CI fuzz run (docs/fuzzing.md): every target under afl-fuzz for FUZZ_SECONDS (default 30 s) over
/// its seeds, instrumented with SharpFuzz; fails on any crash, and on a hang that also hangs when replayed,
/// printing each finding's exception and input. The figures (executions, speed, corpus, edges) are in the
/// output and in artifacts/fuzz/ci-TIME/summary.txt.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class AflBoundedRunTests
{
    private const int DefaultSeconds = 30;

    private readonly ITestOutputHelper _output;

    public AflBoundedRunTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public async Task Afl_EveryTargetTimeBounded_NoCrashNoHang()
    {
        int seconds = int.TryParse(Environment.GetEnvironmentVariable("FUZZ_SECONDS"), out int s) && s > 0 ? s : DefaultSeconds;
        string program = FuzzProgram();
        Assert.True(File.Exists(program), "fuzz program not built: " + program);
        string outDir = Path.Combine(Paths.RepoDir, "artifacts", "fuzz", "ci-" + DateTime.Now.ToString("yyyyMMdd-HHmmss"));

        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in new[] { program, "afl", "all", "--seconds", seconds.ToString(), "--out", outDir }) start.ArgumentList.Add(argument);
        using Process process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        // The runner bounds each afl-fuzz itself (-V plus a watchdog); this only guards the runner.
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(FuzzTargets.Names.Length * (seconds + 360)));
        bool exited = true;
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            exited = false;
            process.Kill(true);
        }
        string output = await stdout + await stderr;
        _output.WriteLine(output);
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "summary.txt"), output);

        Assert.True(exited, "the fuzz run did not finish:\n" + output);
        Assert.True(process.ExitCode == 0, "fuzz findings or a failed run (exit " + process.ExitCode + "):\n" + output);
        foreach (string name in FuzzTargets.Names)
        {
            Assert.Contains("FUZZ " + name + " run_time=", output);
        }
    }

    private static string FuzzProgram()
    {
        foreach (AssemblyMetadataAttribute attribute in typeof(AflBoundedRunTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
        {
            if (attribute.Key == "FuzzProgram" && attribute.Value != null) return Path.GetFullPath(attribute.Value);
        }
        throw new InvalidOperationException("FuzzProgram assembly metadata is missing");
    }
}
