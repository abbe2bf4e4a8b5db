using System.CommandLine;
using UefiRecovery.Manager.Benchmarking;
using UefiRecovery.Manager.Cli;
using UefiRecovery.Manager.Configuration;
using UefiRecovery.Manager.Images;
using UefiRecovery.Manager.Instructing;
using UefiRecovery.Manager.Planning;
using UefiRecovery.Manager.Serving;

namespace UefiRecovery.Manager;

/// <summary>The manager's command line: image tools, the recovery server, simulated clients.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        RootCommand root = BuildRoot();
        // serve's options may also come from appsettings.json and UEFIRECOVERY_Serve__* (docs/operating.md §1.2).
        if (!ServeSettings.TryExpand(root, args, System.Environment.GetEnvironmentVariable, System.Environment.CurrentDirectory, out string[] expanded, out string error))
        {
            return JsonError.Report(System.Console.Out, System.Console.Error, JsonError.Requested(args), "serve: " + error, ExitCodes.Configuration);
        }
        return CommandRunner.Run(root, expanded, new InvocationConfiguration());
    }

    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("UefiRecovery manager: serves signed firmware images to machines in recovery.\n\nExample:\n  uefirecovery-manager serve --help");
        root.Subcommands.Add(ImageCommand.Build());
        root.Subcommands.Add(ServeCommand.Build());
        root.Subcommands.Add(SimulateCommand.Build());
        root.Subcommands.Add(BenchmarkCommand.Build());
        root.Subcommands.Add(InstructCommand.Build());
        root.Subcommands.Add(PlanCommand.Build());
        root.Options.Add(LogLevelOption.Create());
        root.Options.Add(JsonOutputOption.Create());
        return root;
    }
}
