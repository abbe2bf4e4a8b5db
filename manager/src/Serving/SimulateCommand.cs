using System.CommandLine;

namespace UefiRecovery.Manager.Serving;

/// <summary>`simulate`. Placeholder until the recovery-protocol work lands.</summary>
public static class SimulateCommand
{
    public static Command Build() => new Command("simulate", "Run simulated recovery clients (not implemented yet).");
}
