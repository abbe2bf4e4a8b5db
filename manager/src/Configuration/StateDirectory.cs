using System;
using System.IO;

namespace UefiRecovery.Manager.Configuration;

/// <summary>
/// Where `serve` keeps its state (the result log and the member secret beside it) when --results is not given:
/// --state-dir, else $STATE_DIRECTORY (systemd's StateDirectory=, the first when it lists several), else
/// $XDG_STATE_HOME/uefirecovery, else ~/.local/state/uefirecovery. Never the working directory, which is `/`
/// under systemd (docs/operating.md §1.2).
/// </summary>
public static class StateDirectory
{
    public const string FolderName = "uefirecovery";

    public const string ResultsFileName = "results.jsonl";

    /// <summary>The default state directory, or null when the environment names none (no HOME either).</summary>
    public static string? Default(Func<string, string?> environment)
    {
        if (environment("STATE_DIRECTORY") is { Length: > 0 } systemd)
            return systemd.Split(':', StringSplitOptions.RemoveEmptyEntries)[0];
        if (environment("XDG_STATE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg))
            return Path.Combine(xdg, FolderName);
        if (environment("HOME") is { Length: > 0 } home && Path.IsPathRooted(home))
            return Path.Combine(home, ".local", "state", FolderName);
        return null;
    }

    /// <summary>Creates the directory (0700: it holds the member secret) when it does not exist yet.</summary>
    public static void Ensure(string path)
    {
        if (Directory.Exists(path)) return;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
