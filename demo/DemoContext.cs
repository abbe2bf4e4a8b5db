using System;
using System.IO;
using System.Threading;
using UefiRecovery.Demo.ManagerInitiated;
using UefiRecovery.Demo.Recovery;
using UefiRecovery.Testbed;

namespace UefiRecovery.Demo;

/// <summary>What steps share: options, repository paths, this demo's run folder, and results passed along.</summary>
public sealed class DemoContext
{
    public DemoOptions Options { get; }

    public RepoLayout Repo { get; }

    /// <summary>Debug or Release: the configuration this demo (and so efi-app) was built in.</summary>
    public string Configuration { get; }

    /// <summary>artifacts/demo-runs/&lt;time&gt;: ESP, vars copy and serial log of this demo.</summary>
    public string RunDirectory { get; }

    /// <summary>The architecture's firmware, region and settings (--arch).</summary>
    public DemoPlatform Platform => DemoPlatform.For(Options.Arch);

    /// <summary>Set by <see cref="Steps.LocateEfiAppStep"/>.</summary>
    public string? EfiAppPath { get; set; }

    /// <summary>Key, capsule, network, manager and VM results of the recovery demo.</summary>
    public RecoveryDemoState Recovery { get; } = new();

    /// <summary>Agent, instruction key, guest, instruction and boots of the manager-initiated scenario (--manager-initiated).</summary>
    public ManagerInitiatedState ManagerInitiated { get; } = new();

    /// <summary>Cancelled by Ctrl+C: steps stop QEMU, and Program still removes the namespace.</summary>
    public CancellationTokenSource Stop { get; } = new();

    public DemoContext(DemoOptions options, RepoLayout repo, string configuration)
    {
        Options = options;
        Repo = repo;
        Configuration = configuration;
        string stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss");
        RunDirectory = Path.Combine(repo.ArtifactsDir, "demo-runs", stamp);
        try
        {
            Directory.CreateDirectory(RunDirectory);
        }
        catch (UnauthorizedAccessException)
        {
            // A user who may not write into the checkout (e.g. the non-root demo) gets a temp folder instead.
            RunDirectory = Path.Combine(Path.GetTempPath(), "uefirecovery-demo-runs", stamp);
            Directory.CreateDirectory(RunDirectory);
        }
    }
}
