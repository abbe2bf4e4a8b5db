using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using UefiRecovery.Testbed;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Firmware;
using UefiRecovery.Testbed.Tools;

namespace UefiRecovery.QemuTests.Config;

/// <summary>
/// What a boot did to the firmware region and to the recovery marker, seen from the host: QEMU's own trace of
/// the NV flash (pflash unit 1, <c>system.flash1</c>) counts block erases and program commands, and the FAT
/// image ESP is read back for the marker file the app writes before any region write
/// (docs/firmware-regions.md). OVMF itself programs variables at every boot, so the counts are compared
/// with a control boot; a rewrite of the region needs a block erase per block.
/// </summary>
internal static class FlashWatch
{
    /// <summary>The trace events: every command written to a pflash device, and each block erase it starts.</summary>
    public static IReadOnlyList<string> QemuArguments(string tracePath) => new[]
    {
        "-trace", "enable=pflash_write", "-trace", "enable=pflash_write_block_erase", "-D", tracePath,
    };

    public sealed record Counts(int Erases, int Commands, bool MarkerOnEsp)
    {
        public override string ToString() => $"erases={Erases} pflash-commands={Commands} marker-on-esp={MarkerOnEsp}";
    }

    public static Counts Read(string tracePath, EspImage esp)
    {
        int erases = 0;
        int commands = 0;
        var flash1 = new Regex(@"^(?:\d+@[\d.]+:)?(pflash_write_block_erase|pflash_write) system\.flash1: ");
        foreach (string line in File.Exists(tracePath) ? File.ReadLines(tracePath) : Array.Empty<string>())
        {
            Match match = flash1.Match(line);
            if (!match.Success)
                continue;
            if (match.Groups[1].Value == "pflash_write_block_erase")
                erases++;
            else
                commands++;
        }
        return new Counts(erases, commands, MarkerExists(esp));
    }

    // mcopy the marker out of the image: present, absent ("not found"), or an error worth failing on.
    private static bool MarkerExists(EspImage esp)
    {
        string copy = Path.Combine(Path.GetDirectoryName(esp.ImagePath)!, "marker-after-boot");
        HostCommandResult result = HostCommand.Run(HostTools.RequirePath(HostTool.MCopy), "-n", "-i", esp.ImagePath,
            "::/" + InterruptedRecovery.MarkerPath, copy);
        if (result.Succeeded)
            return true;
        if (result.StandardError.Contains("not found", StringComparison.OrdinalIgnoreCase))
            return false;
        throw new InvalidOperationException("Could not read the ESP image: " + result);
    }
}
