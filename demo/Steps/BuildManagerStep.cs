using System;
using System.IO;
using System.Threading.Tasks;
using UefiRecovery.Testbed;

namespace UefiRecovery.Demo.Steps;

/// <summary>Finds uefirecovery-manager.dll (manager/src, Release), building it when missing or older than its sources.</summary>
public sealed class BuildManagerStep : IDemoStep
{
    public string Title => "Build (or reuse) the recovery manager";

    public Task<StepResult> RunAsync(DemoContext context)
    {
        string project = Path.Combine(context.Repo.Root, "manager", "src", "Manager.csproj");
        string dll = Path.Combine(context.Repo.Root, "manager", "src", "bin", "Release", "net10.0", "uefirecovery-manager.dll");
        bool stale = !File.Exists(dll) || NewestSource(context.Repo.Root) > File.GetLastWriteTimeUtc(dll);
        if (stale)
        {
            Console.WriteLine($"   dotnet build {project} -c Release");
            HostCommandResult build = HostCommand.Run("dotnet", new[] { "build", project, "-c", "Release", "-nologo", "-v", "q" }, TimeSpan.FromMinutes(10));
            if (!build.Succeeded && File.Exists(dll) && !CanWrite(Path.GetDirectoryName(dll)!))
            {
                // E.g. the non-root demo in a checkout root built: say so and use what is there.
                context.Recovery.ManagerDll = dll;
                return Task.FromResult(StepResult.Ok("WARNING: cannot rebuild (build folder not writable for this user); using the existing, possibly older " + dll));
            }
            if (!build.Succeeded || !File.Exists(dll))
            {
                return Task.FromResult(StepResult.Failed("building the manager failed:\n" + build));
            }
        }
        context.Recovery.ManagerDll = dll;
        return Task.FromResult(StepResult.Ok((stale ? "built " : "up to date: ") + dll));
    }

    private static bool CanWrite(string folder)
    {
        try
        {
            string probe = Path.Combine(folder, ".demo-write-probe-" + Environment.ProcessId);
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return true;
        }
        catch (Exception exception) when (exception is UnauthorizedAccessException or IOException)
        {
            return false;
        }
    }

    /// <summary>Newest .cs/.csproj of the manager and the portable core it compiles in.</summary>
    private static DateTime NewestSource(string root)
    {
        DateTime newest = DateTime.MinValue;
        foreach (string folder in new[] { Path.Combine(root, "manager", "src"), Path.Combine(root, "recovery-core", "src") })
        {
            if (!Directory.Exists(folder))
            {
                continue;
            }
            foreach (string file in Directory.EnumerateFiles(folder, "*.*", SearchOption.AllDirectories))
            {
                if ((file.EndsWith(".cs", StringComparison.Ordinal) || file.EndsWith(".csproj", StringComparison.Ordinal))
                    && !file.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                    && !file.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    DateTime written = File.GetLastWriteTimeUtc(file);
                    newest = written > newest ? written : newest;
                }
            }
        }
        return newest;
    }
}
