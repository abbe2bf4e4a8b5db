using System.Threading;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.Guest;

namespace UefiRecovery.QemuTests.Agent;

/// <summary>The REAL NativeAOT agent, published once per test session (testbed's <see cref="AgentPublisher"/>).</summary>
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
            string binary = AgentPublisher.Publish(TestEnvironment.Repo);
            s_path = binary;
            return binary;
        }
        finally
        {
            PublishLock.Release();
        }
    }
}
