using System.CommandLine;

namespace UefiRecovery.Manager.Images;

/// <summary>`image pack|verify|inspect`. Placeholder until the signed-images work lands.</summary>
public static class ImageCommand
{
    public static Command Build() => new Command("image", "Pack, verify and inspect signed FMP capsules (not implemented yet).");
}
