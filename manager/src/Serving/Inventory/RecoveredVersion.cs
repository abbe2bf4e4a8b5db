using System;
using System.Globalization;

namespace UefiRecovery.Manager.Serving.Inventory;

/// <summary>The FMP version in an agent's version text: <c>… recovered=0x%08X</c> (docs/protocol.md §4.13).</summary>
public static class RecoveredVersion
{
    private const string Marker = " recovered=0x";

    /// <summary>True when the text ends in " recovered=0x" and exactly 8 hex digits (as the agent writes it).</summary>
    public static bool TryRead(string versionText, out uint version)
    {
        version = 0;
        int at = versionText.LastIndexOf(Marker, StringComparison.Ordinal);
        if (at < 0 || versionText.Length - (at + Marker.Length) != 8) return false;
        return uint.TryParse(versionText.AsSpan(at + Marker.Length), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out version);
    }
}
