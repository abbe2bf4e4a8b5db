using System;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;

namespace UefiRecovery.Manager.Tests;

/// <summary>The exit-code contract of every command (docs/operating.md §6): one line on stderr, never a stack trace, never 1 for an error.</summary>
public sealed class CommandRunnerTests
{
    private static (int ExitCode, string Error) Run(RootCommand root, params string[] args)
    {
        var error = new StringWriter();
        int exitCode = CommandRunner.Run(root, args, new InvocationConfiguration { Output = new StringWriter(), Error = error });
        return (exitCode, error.ToString());
    }

    [Fact]
    public void Run_ActionThrowsUnexpectedly_ExitThreeWithOneLine()
    {
        var root = new RootCommand("test");
        var broken = new Command("broken", "throws");
        broken.SetAction((Func<ParseResult, int>)(_ => throw new InvalidOperationException("something impossible\nsecond line")));
        root.Subcommands.Add(broken);
        var (exitCode, error) = Run(root, "broken");
        Assert.Equal(ExitCodes.InternalError, exitCode);
        Assert.Equal("broken: internal error: InvalidOperationException: something impossible" + Environment.NewLine, error);
    }

    [Fact]
    public void Run_ActionThrowsWithLogLevelDebug_ExitThreeLineThenStackTrace()
    {
        var root = new RootCommand("test");
        root.Options.Add(UefiRecovery.Manager.Cli.LogLevelOption.Create());
        var broken = new Command("broken", "throws");
        broken.SetAction((Func<ParseResult, int>)(_ => throw new InvalidOperationException("something impossible")));
        root.Subcommands.Add(broken);

        var (quietExit, quiet) = Run(root, "broken", "--log-level", "information");
        var (debugExit, debug) = Run(root, "broken", "--log-level", "debug");

        Assert.Equal(ExitCodes.InternalError, quietExit);
        Assert.Equal("broken: internal error: InvalidOperationException: something impossible" + Environment.NewLine, quiet);
        Assert.Equal(ExitCodes.InternalError, debugExit);
        Assert.StartsWith("broken: internal error: InvalidOperationException: something impossible" + Environment.NewLine
            + "System.InvalidOperationException: something impossible", debug, StringComparison.Ordinal);
        Assert.Contains(" at ", debug, StringComparison.Ordinal); // the stack trace an operator asked for
    }

    [Fact]
    public void Run_OutOfMemoryInAnAction_ExitThreeWithOneLine()
    {
        var root = new RootCommand("test");
        var greedy = new Command("greedy", "runs out of memory");
        greedy.SetAction((Func<ParseResult, int>)(_ => throw new OutOfMemoryException()));
        root.Subcommands.Add(greedy);
        var (exitCode, error) = Run(root, "greedy");
        Assert.Equal(ExitCodes.InternalError, exitCode);
        Assert.StartsWith("greedy: internal error: OutOfMemoryException: ", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Run_UnknownCommand_ExitTwo()
    {
        var (exitCode, error) = Run(Program.BuildRoot(), "frobnicate");
        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("frobnicate", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Benchmark_NotRoot_ExitFourWithOneLine()
    {
        // The real process as the unprivileged user nobody (setpriv, util-linux): no namespaces, no stack trace.
        var start = new ProcessStartInfo("setpriv") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "--", ManagerProcess.DotnetHost, ManagerProcess.ManagerDll, "benchmark" })
            start.ArgumentList.Add(a);
        start.Environment["HOME"] = Path.GetTempPath();
        start.Environment["DOTNET_CLI_HOME"] = Path.GetTempPath();
        using var process = Process.Start(start)!;
        string stdout = process.StandardOutput.ReadToEnd();
        string stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "benchmark did not exit");
        Assert.True(process.ExitCode == ExitCodes.MissingPrerequisite, $"exit {process.ExitCode}\n{stdout}\n{stderr}");
        Assert.Equal("benchmark: needs root: it creates network namespaces, veth pairs and a bridge (ip netns), and removes them after\n", stderr);
        Assert.Equal("", stdout);
    }
}
