using System;
using System.IO;

namespace UefiRecovery.Testbed;

/// <summary>
/// Where things live in the repository. Everything is found relative to the folder holding
/// UefiRecovery.sln, so a fresh clone anywhere works.
/// </summary>
public sealed class RepoLayout
{
    public const string SolutionFileName = "UefiRecovery.sln";

    public string Root { get; }

    private RepoLayout(string root) => Root = root;

    public string ArtifactsDir => Path.Combine(Root, "artifacts");

    /// <summary>artifacts/figures: benchmark figures that the README quotes.</summary>
    public string FiguresDir => Path.Combine(ArtifactsDir, "figures");

    /// <summary>Scratch space for QEMU runs (vars copies, ESP folders, serial logs).</summary>
    public string TestRunsDir => Path.Combine(ArtifactsDir, "testbed-runs");

    /// <summary>.ci/packages.txt: the one list of Debian packages the project needs.</summary>
    public string PackageListPath => Path.Combine(Root, ".ci", "packages.txt");

    public string EfiAppProject => Path.Combine(Root, "efi-app", "src", "EfiApp.csproj");

    /// <summary>Where efi-app's build writes the application for a configuration (BOOTX64.EFI; BOOTAA64.EFI with -p:EfiTargetArch=arm64).</summary>
    public string EfiAppBinary(string configuration, string bootFileName = "BOOTX64.EFI") =>
        Path.Combine(ArtifactsDir, "efi", configuration, bootFileName);

    /// <summary>Walks up from <paramref name="startDirectory"/> to the folder holding the solution.</summary>
    public static bool TryFind(string startDirectory, out RepoLayout layout)
    {
        for (DirectoryInfo? dir = new DirectoryInfo(startDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFileName)))
            {
                layout = new RepoLayout(dir.FullName);
                return true;
            }
        }
        layout = null!;
        return false;
    }

    /// <summary>Finds the repository from the running assembly's folder, then the working directory.</summary>
    public static RepoLayout Locate()
    {
        if (TryFind(AppContext.BaseDirectory, out RepoLayout layout) ||
            TryFind(Directory.GetCurrentDirectory(), out layout))
        {
            return layout;
        }
        throw new InvalidOperationException(
            $"Cannot find {SolutionFileName} above {AppContext.BaseDirectory} or {Directory.GetCurrentDirectory()}.");
    }

    public void WriteFigure(string fileName, string text)
    {
        Directory.CreateDirectory(FiguresDir);
        File.WriteAllText(Path.Combine(FiguresDir, fileName), text);
    }
}
