using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading.Tasks;

namespace UefiRecovery.Testbed;

/// <summary>Outcome of a short host command: exit code and both output streams.</summary>
public sealed record HostCommandResult(string CommandLine, int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    public override string ToString() =>
        $"`{CommandLine}` exited {ExitCode}\nstdout: {StandardOutput.TrimEnd()}\nstderr: {StandardError.TrimEnd()}";
}

/// <summary>Runs short host commands (mkfs.vfat, mcopy, ip) to completion without a shell.</summary>
public static class HostCommand
{
    /// <summary>Default bound for helper commands; none of them should take more than seconds.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static HostCommandResult Run(string fileName, params string[] arguments) =>
        Run(fileName, (IReadOnlyList<string>)arguments, DefaultTimeout);

    public static HostCommandResult Run(string fileName, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        string commandLine = fileName + " " + string.Join(" ", arguments);
        using Process process = Process.Start(startInfo)
            ?? throw new InvalidOperationException("Could not start " + commandLine);
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new HostCommandResult(commandLine, -1, stdout.Result, stderr.Result + $"\n(killed after {timeout})");
        }
        return new HostCommandResult(commandLine, process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs and throws with the full output when the command fails (setup steps only).</summary>
    public static HostCommandResult RunChecked(string fileName, params string[] arguments)
    {
        HostCommandResult result = Run(fileName, arguments);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("Host command failed: " + result);
        }
        return result;
    }
}
