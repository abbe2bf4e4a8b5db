using System.CommandLine;

namespace UefiRecovery.Manager.Images;

/// <summary>`image pack|verify|inspect`: make, check and read signed FMP capsules (docs/image-format.md).</summary>
public static class ImageCommand
{
    public static Command Build()
    {
        var command = new Command("image", "Pack, verify and inspect signed FMP capsules.");
        command.Subcommands.Add(PackCommand.Build());
        command.Subcommands.Add(VerifyCommand.Build());
        command.Subcommands.Add(InspectCommand.Build());
        return command;
    }
}
