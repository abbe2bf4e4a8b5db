using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Agent.Efi;

/// <summary>
/// The agent's part of the <c>UefiRecoveryConfig</c> variable (docs/config.md, "Format of the variable and the
/// file"): ASCII lines <c>uefirecovery.key=value</c>, LF-terminated, at most 4096 bytes. The agent writes
/// <c>mode=recover</c>, one <c>manager=</c> per manager of the instruction and <c>instruction=0x…</c>, keeps
/// every other line the OS had put there, and removes its own lines again when the OS is back
/// (<see cref="WithoutAgentLines"/>). It also stores the whole signed instruction in
/// <c>UefiRecoveryInstruction</c>, so the app can check the instruction itself: a variable the OS can write
/// is not trusted with <c>mode=recover</c> or a manager on its own (docs/config.md; docs/protocol.md §4.11).
/// </summary>
internal static class RecoveryConfigVariable
{
    public const string Name = "UefiRecoveryConfig";
    public const string InstructionName = "UefiRecoveryInstruction";
    public const int MaxBytes = 4096;
    private const string Marker = "# uefirecovery-agent";

    private static readonly string[] AgentKeys = { "uefirecovery.mode=", "uefirecovery.manager=", "uefirecovery.instruction=" };

    /// <summary>The new variable text: the other lines of <paramref name="existing"/>, then the agent's.</summary>
    public static bool TryCompose(ReadOnlySpan<byte> existing, in InstructionMessage instruction, out byte[] text, out string error)
    {
        var lines = new StringBuilder();
        foreach (string line in OtherLines(existing))
        {
            lines.Append(line).Append('\n');
        }
        lines.Append(Marker).Append(" instruction=0x").Append(instruction.InstructionId.ToString("X16", CultureInfo.InvariantCulture))
            .Append(" counter=").Append(instruction.Counter.ToString(CultureInfo.InvariantCulture))
            .Append(" mac=").Append(instruction.TargetMac.ToString("X12", CultureInfo.InvariantCulture)).Append('\n');
        lines.Append("uefirecovery.mode=recover\n");
        for (int i = 0; i < instruction.Managers.Count; i++)
        {
            DatagramEndpoint manager = instruction.Managers[i];
            lines.Append("uefirecovery.manager=").Append(FormatAddress(manager.Address)).Append(':')
                .Append(manager.Port.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        lines.Append("uefirecovery.instruction=0x").Append(instruction.InstructionId.ToString("X16", CultureInfo.InvariantCulture)).Append('\n');
        text = Encoding.ASCII.GetBytes(lines.ToString());
        error = text.Length > MaxBytes ? "UefiRecoveryConfig would be " + text.Length + " bytes, more than " + MaxBytes : "";
        return text.Length <= MaxBytes;
    }

    /// <summary>The variable without the agent's lines (what the OS had written itself).</summary>
    public static byte[] WithoutAgentLines(ReadOnlySpan<byte> existing)
    {
        var lines = new StringBuilder();
        foreach (string line in OtherLines(existing))
        {
            lines.Append(line).Append('\n');
        }
        return Encoding.ASCII.GetBytes(lines.ToString());
    }

    /// <summary>
    /// The instruction the agent wrote into the variable before a reboot (the OS is back after it): its id,
    /// counter and target MAC from the marker line, and the managers. False when the agent's marker is absent.
    /// </summary>
    public static bool TryReadAgentLines(ReadOnlySpan<byte> existing, out ulong instructionId, out ulong counter, out ulong mac, out List<string> managers)
    {
        instructionId = 0;
        counter = 0;
        mac = 0;
        managers = new List<string>();
        bool marker = false;
        foreach (string raw in Lines(existing))
        {
            string line = raw.Trim();
            if (line.StartsWith(Marker + " ", StringComparison.Ordinal))
            {
                foreach (string field in line.Substring(Marker.Length + 1).Split(' '))
                {
                    if (field.StartsWith("instruction=0x", StringComparison.Ordinal))
                    {
                        marker |= ulong.TryParse(field.AsSpan(14), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out instructionId);
                    }
                    else if (field.StartsWith("counter=", StringComparison.Ordinal))
                    {
                        ulong.TryParse(field.AsSpan(8), NumberStyles.None, CultureInfo.InvariantCulture, out counter);
                    }
                    else if (field.StartsWith("mac=", StringComparison.Ordinal))
                    {
                        ulong.TryParse(field.AsSpan(4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out mac);
                    }
                }
            }
            else if (line.StartsWith("uefirecovery.manager=", StringComparison.Ordinal))
            {
                managers.Add(line.Substring("uefirecovery.manager=".Length));
            }
        }
        return marker;
    }

    private static List<string> OtherLines(ReadOnlySpan<byte> existing)
    {
        var kept = new List<string>();
        foreach (string raw in Lines(existing))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith(Marker, StringComparison.Ordinal) || Array.Exists(AgentKeys, k => line.StartsWith(k, StringComparison.Ordinal)))
            {
                continue;
            }
            kept.Add(line);
        }
        return kept;
    }

    private static string[] Lines(ReadOnlySpan<byte> existing)
    {
        if (existing.StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }))
        {
            existing = existing.Slice(3);
        }
        string text = Encoding.ASCII.GetString(existing).TrimEnd('\0');
        return text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
    }

    private static string FormatAddress(uint address)
    {
        return (address >> 24).ToString(CultureInfo.InvariantCulture) + "." + ((address >> 16) & 0xFF).ToString(CultureInfo.InvariantCulture) + "."
            + ((address >> 8) & 0xFF).ToString(CultureInfo.InvariantCulture) + "." + (address & 0xFF).ToString(CultureInfo.InvariantCulture);
    }
}
