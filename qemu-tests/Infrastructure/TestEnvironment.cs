using System.IO;
using System.Reflection;
using UefiRecovery.Testbed;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.QemuTests.Infrastructure;

/// <summary>Paths every QEMU test needs: the repository, this build's configuration, a run folder per boot.</summary>
public static class TestEnvironment
{
    public static RepoLayout Repo { get; } = RepoLayout.Locate();

    /// <summary>Debug or Release: the configuration these tests (and so efi-app) were built in.</summary>
    public static string Configuration { get; } = ReadMetadata("Configuration") ?? "Release";

    /// <summary>artifacts/testbed-runs/qemu-tests: one folder per boot (vars copy, serial.log, command.txt), kept for inspection.</summary>
    public static string RunsDir { get; } = Path.Combine(Repo.TestRunsDir, "qemu-tests");

    public static string NewRunDirectory(string label)
    {
        PruneOldRunsOnce();
        return QemuMachine.NewRunDirectory(RunsDir, label);
    }

    private static int s_pruned;

    // Run folders are kept for inspection, but not forever: drop those older than a day (never
    // younger ones, which may belong to another test session running right now).
    private static void PruneOldRunsOnce()
    {
        if (System.Threading.Interlocked.Exchange(ref s_pruned, 1) == 1 || !Directory.Exists(RunsDir))
        {
            return;
        }
        foreach (string directory in Directory.GetDirectories(RunsDir))
        {
            if (Directory.GetLastWriteTimeUtc(directory) < System.DateTime.UtcNow.AddDays(-1))
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (IOException)
                {
                    // In use or gone: not worth failing a test over.
                }
            }
        }
    }

    private static string? ReadMetadata(string key)
    {
        foreach (AssemblyMetadataAttribute attribute in typeof(TestEnvironment).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
        {
            if (attribute.Key == key)
            {
                return attribute.Value;
            }
        }
        return null;
    }
}
