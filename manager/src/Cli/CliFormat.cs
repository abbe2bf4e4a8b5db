using System.Globalization;

namespace UefiRecovery.Manager.Cli;

/// <summary>One printed form per kind of value, used by every command, the log, the live view and the JSON files.</summary>
public static class CliFormat
{
    /// <summary>Firmware versions and LSVs: 0x and 8 upper-case hex digits (0x00010002), as the firmware prints them.</summary>
    public static string Version(uint version) => "0x" + version.ToString("X8", CultureInfo.InvariantCulture);

    /// <summary>Session ids: 8 lower-case hex digits (1a2b3c4d), in the log, the live view, /status and results.jsonl.</summary>
    public static string SessionId(uint sessionId) => sessionId.ToString("x8", CultureInfo.InvariantCulture);

    /// <summary>Instruction ids: 0x and 16 upper-case hex digits (0x9C1E...), as the agent's log and the app's settings write them.</summary>
    public static string InstructionId(ulong id) => "0x" + id.ToString("X16", CultureInfo.InvariantCulture);
}
