using System.CommandLine;

namespace UefiRecovery.Manager.Images;

/// <summary>`image pack|verify|inspect|key-hash`: make, check and read signed FMP capsules (docs/image-format.md), and name the trust setting for a key.</summary>
public static class ImageCommand
{
    public static Command Build()
    {
        var command = new Command("image", "Pack, verify and inspect signed FMP capsules; print the trust setting for a key.\n\nExample:\n  uefirecovery-manager image pack --help");
        command.Subcommands.Add(PackCommand.Build());
        command.Subcommands.Add(VerifyCommand.Build());
        command.Subcommands.Add(InspectCommand.Build());
        command.Subcommands.Add(KeyHashCommand.Build());
        command.Subcommands.Add(MachineConfigCommand.Build());
        return command;
    }
}
