using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed;

namespace UefiRecovery.QemuTests.Agent;

/// <summary>The REAL NativeAOT agent, published once per test session the way docs/operating.md §8.1 says.</summary>
internal static class AgentBinary
{
    private static readonly SemaphoreSlim PublishLock = new(1, 1);
    private static string? s_path;

    public static async Task<string> RequireAsync()
    {
        await PublishLock.WaitAsync();
        try
        {
            if (s_path != null)
            {
                return s_path;
            }
            string output = Path.Combine(TestEnvironment.Repo.ArtifactsDir, "os-agent", "linux-x64");
            string project = Path.Combine(TestEnvironment.Repo.Root, "os-agent", "src", "Agent.csproj");
            HostCommandResult publish = HostCommand.Run("dotnet",
                new[] { "publish", project, "-c", "Release", "-r", "linux-x64", "-o", output, "-nologo", "-v", "q" }, TimeSpan.FromMinutes(10));
            string binary = Path.Combine(output, "uefirecovery-agent");
            if (!publish.Succeeded || !File.Exists(binary))
            {
                throw new InvalidOperationException("Publishing the agent failed: " + publish);
            }
            s_path = binary;
            return binary;
        }
        finally
        {
            PublishLock.Release();
        }
    }
}
