using System.IO;
using System.Threading.Tasks;
using UefiRecovery.Testbed;

namespace UefiRecovery.Demo.Steps;

/// <summary>Finds BOOTX64.EFI (or, --arch arm64, BOOTAA64.EFI) from efi-app's build, building efi-app if it is not there yet.</summary>
public sealed class LocateEfiAppStep : IDemoStep
{
    public string Title => "Locate the EFI application";

    public Task<StepResult> RunAsync(DemoContext context)
    {
        string path = context.Repo.EfiAppBinary(context.Configuration, context.Options.Arch.BootFileName);
        if (!File.Exists(path))
        {
            // Normally `dotnet run` has built the x64 app through the project reference; this covers --no-build and arm64.
            HostCommandResult build = HostCommand.Run("dotnet", new[] { "build", context.Repo.EfiAppProject, "-c", context.Configuration,
                "-p:EfiTargetArch=" + context.Options.Arch.Name }, System.TimeSpan.FromMinutes(10));
            if (!build.Succeeded || !File.Exists(path))
            {
                return Task.FromResult(StepResult.Failed($"efi-app did not produce {path}:\n{build}"));
            }
        }
        context.EfiAppPath = path;
        return Task.FromResult(StepResult.Ok($"{path} ({new FileInfo(path).Length / 1024.0:F1} KiB)"));
    }
}
