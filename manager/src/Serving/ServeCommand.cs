using System.CommandLine;

namespace UefiRecovery.Manager.Serving;

/// <summary>`serve`. Placeholder until the recovery-protocol work lands.</summary>
public static class ServeCommand
{
    public static Command Build() => new Command("serve", "Serve signed images to machines in recovery (not implemented yet).");
}
