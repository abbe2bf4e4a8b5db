using System.CommandLine;
using UefiRecovery.Manager.Benchmarking;
using UefiRecovery.Manager.Images;
using UefiRecovery.Manager.Instructing;
using UefiRecovery.Manager.Serving;

namespace UefiRecovery.Manager;

/// <summary>The manager's command line: image tools, the recovery server, simulated clients.</summary>
public static class Program
{
    public static int Main(string[] args) => CommandRunner.Run(BuildRoot(), args, new InvocationConfiguration());

    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("UefiRecovery manager: serves signed firmware images to machines in recovery.\n\nExample:\n  uefirecovery-manager serve --help");
        root.Subcommands.Add(ImageCommand.Build());
        root.Subcommands.Add(ServeCommand.Build());
        root.Subcommands.Add(SimulateCommand.Build());
        root.Subcommands.Add(BenchmarkCommand.Build());
        root.Subcommands.Add(InstructCommand.Build());
        return root;
    }
}
