using System;
using System.IO;

namespace UefiRecovery.Testbed.Guest;

/// <summary>
/// Publishes the REAL NativeAOT OS agent the way docs/operating.md §8.1 says, into artifacts/os-agent/linux-x64
/// (an unchanged agent publishes in seconds: MSBuild's incremental build).
/// </summary>
public static class AgentPublisher
{
    public const string BinaryName = "uefirecovery-agent";

    /// <summary>The published binary's path; throws with dotnet's output when publishing fails.</summary>
    public static string Publish(RepoLayout repo)
    {
        string output = Path.Combine(repo.ArtifactsDir, "os-agent", "linux-x64");
        string project = Path.Combine(repo.Root, "os-agent", "src", "Agent.csproj");
        HostCommandResult publish = HostCommand.Run("dotnet",
            new[] { "publish", project, "-c", "Release", "-r", "linux-x64", "-o", output, "-nologo", "-v", "q" }, TimeSpan.FromMinutes(10));
        string binary = Path.Combine(output, BinaryName);
        if (!publish.Succeeded || !File.Exists(binary))
        {
            throw new InvalidOperationException("Publishing the agent failed: " + publish);
        }
        return binary;
    }
}
