using System;
using System.IO;
using System.Security.Cryptography;

namespace UefiRecovery.Manager.Serving.Membership;

/// <summary>
/// The manager's 32-byte secret from which every member token and abort key is derived (docs/protocol.md
/// §7.4). Kept in a file so a restarted manager still recognises the memberships of sessions it forgot;
/// created once, mode 0600, never rewritten. Whoever reads it can act as any member: protect it like a key.
/// </summary>
public static class DonorSecret
{
    public const int Length = 32;

    /// <summary>The file name used beside the results log when --secret-file is not given.</summary>
    public const string DefaultFileName = "uefirecovery-member.secret";

    /// <summary>Where the secret lives by default: beside the results log.</summary>
    public static string DefaultPathBeside(string resultsPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(resultsPath)) ?? ".", DefaultFileName);

    /// <summary>
    /// Reads the secret at <paramref name="path"/>, or creates it (32 random bytes, 0600) when the file does
    /// not exist. Throws <see cref="InvalidDataException"/> with the reason when the file is unusable:
    /// another length, or (Unix) readable or writable by group or others.
    /// </summary>
    public static byte[] LoadOrCreate(string path, out bool created)
    {
        created = false;
        if (!File.Exists(path))
        {
            created = TryCreate(path);
            // Lost a race with another process creating it: read what it wrote.
        }
        CheckPermissions(path);
        byte[] secret;
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            if (file.Length != Length)
                throw new InvalidDataException($"secret file {path} holds {file.Length} bytes, not {Length}; it is damaged or not a member secret (move it away to make a new one: every member of a running session then has to rediscover)");
            secret = new byte[Length];
            file.ReadExactly(secret);
        }
        return secret;
    }

    /// <summary>A random secret kept in memory only: a restart forgets every membership.</summary>
    public static byte[] CreateEphemeral() => RandomNumberGenerator.GetBytes(Length);

    // Written to a private temporary file first and moved into place, so the secret file is either absent
    // or whole: a crash half way never leaves a short secret behind.
    private static bool TryCreate(string path)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(folder);
        string temporary = Path.Combine(folder, "." + Path.GetFileName(full) + "." + Environment.ProcessId + ".tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using (var file = new FileStream(temporary, options))
            {
                file.Write(RandomNumberGenerator.GetBytes(Length));
                file.Flush(flushToDisk: true);
            }
            try
            {
                File.Move(temporary, full, overwrite: false);
                return true;
            }
            catch (IOException) when (File.Exists(full))
            {
                return false;
            }
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static void CheckPermissions(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        UnixFileMode mode = File.GetUnixFileMode(path);
        const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        if ((mode & others) != 0)
            throw new InvalidDataException($"secret file {path} is accessible by group or others (mode {Convert.ToString((int)mode, 8)}); whoever reads it can report results and end sessions for any machine. Run: chmod 600 {path}");
    }
}
