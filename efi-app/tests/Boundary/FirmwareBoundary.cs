using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace UefiRecovery.Efi.Tests.Boundary;

/// <summary>
/// The rule that keeps firmware calls inside efi-app/src/Uefi/ (uefi-rs checks its raw crate the same way,
/// xtask/src/check_raw.rs): outside that folder no source may name the raw bindings' namespace, declare or
/// call through an unmanaged function pointer, reach a wrapper's raw pointer (<c>.Raw</c>, <c>.Pointer</c>),
/// or dereference a pointer with <c>-&gt;</c>. Comments and string literals are ignored.
/// </summary>
public static class FirmwareBoundary
{
    /// <summary>
    /// Files outside Uefi/ that may use <c>-&gt;</c>: the runtime self-test reads the runtime's own MethodTable
    /// (type layout), not a firmware table. They are still held to the other rules.
    /// </summary>
    public static readonly string[] PointerDereferenceAllowed =
    {
        "Modes/SelfTest/RuntimeChecks.cs",
        "Modes/SelfTest/ArenaGuardChecks.cs",
    };

    private static readonly (string Rule, Regex Pattern)[] Rules =
    {
        ("raw bindings namespace", new Regex(@"\bUefi\.Raw\b")),
        ("unmanaged function pointer", new Regex(@"\bdelegate\s*\*\s*unmanaged\b")),
        ("raw pointer of a safe wrapper", new Regex(@"(?<!\bUefi)\.\s*(Raw|Pointer)\b")),
    };

    private static readonly Regex Dereference = new(@"->");

    // Comments, then string and char literals (verbatim, raw and regular), replaced by blanks so line numbers stay.
    private static readonly Regex CommentsAndLiterals = new(
        @"//[^\n]*|/\*.*?\*/|"""""".*?""""""|@""(?:[^""]|"""")*""|""(?:\\.|[^""\\\n])*""|'(?:\\.|[^'\\\n])+'",
        RegexOptions.Singleline);

    /// <param name="relativePath">The file's path under efi-app/src, with '/' separators.</param>
    public static IReadOnlyList<string> Violations(string relativePath, string source)
    {
        var found = new List<string>();
        if (relativePath.StartsWith("Uefi/", StringComparison.Ordinal))
            return found;
        string code = CommentsAndLiterals.Replace(source, match => Regex.Replace(match.Value, @"[^\n]", " "));
        string[] lines = code.Split('\n');
        bool mayDereference = Array.IndexOf(PointerDereferenceAllowed, relativePath) >= 0;
        for (int i = 0; i < lines.Length; i++)
        {
            foreach ((string rule, Regex pattern) in Rules)
            {
                if (pattern.IsMatch(lines[i]))
                    found.Add($"{relativePath}:{i + 1}: {rule}: {lines[i].Trim()}");
            }
            if (!mayDereference && Dereference.IsMatch(lines[i]))
                found.Add($"{relativePath}:{i + 1}: pointer dereference: {lines[i].Trim()}");
        }
        return found;
    }
}
