using System;
using System.Globalization;
using System.IO;

namespace UefiRecovery.Agent.Machine;

/// <summary>
/// The recovery app's record of what it installed (<c>\UEFIRECOVERY-INSTALLED.TXT</c> on the ESP, one line
/// <c>UEFIRECOVERY-INSTALLED v1 version=0x%08X instruction=0x%016X region-sha256=…</c>), read through the ESP's mount
/// point. The OS can write the ESP, so this only informs the manager's display (docs/protocol.md §4.13).
/// </summary>
internal readonly record struct InstalledRecord(uint Version, ulong InstructionId)
{
    public const string FileName = "UEFIRECOVERY-INSTALLED.TXT";

    public static bool TryRead(string espMount, out InstalledRecord record)
    {
        record = default;
        string path = Path.Combine(espMount, FileName);
        string text;
        try
        {
            if (!File.Exists(path))
                return false;
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            return false;
        }
        if (!text.StartsWith("UEFIRECOVERY-INSTALLED v1 ", StringComparison.Ordinal))
            return false;
        uint version = 0;
        ulong instruction = 0;
        bool haveVersion = false;
        foreach (string field in text.Trim().Split(' '))
        {
            if (field.StartsWith("version=0x", StringComparison.Ordinal))
                haveVersion = uint.TryParse(field.AsSpan(10), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out version);
            else if (field.StartsWith("instruction=0x", StringComparison.Ordinal))
                ulong.TryParse(field.AsSpan(14), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out instruction);
        }
        record = new InstalledRecord(version, instruction);
        return haveVersion;
    }
}
