using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using UefiRecovery.Manager.Files;

namespace UefiRecovery.Manager.Serving.Membership;

/// <summary>
/// The manager's 32-byte secret from which every member token and abort key is derived (docs/protocol.md
/// §7.4). Kept in a file so a restarted manager still recognises the memberships of sessions it forgot;
/// created once, mode 0600, never rewritten. Whoever reads it can act as any member: protect it like a key. It
/// must be a regular file owned by the manager's user, private to it, and not a symbolic link.
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
    /// not exist. Throws <see cref="InvalidDataException"/> with the reason when the file is unusable: a symbolic
    /// link (never followed), not a regular file, another length, or (Unix) readable or writable by group or
    /// others, or (Linux) owned by another user than the one the manager runs as.
    /// </summary>
    public static byte[] LoadOrCreate(string path, out bool created)
    {
        created = false;
        RefuseSymbolicLink(path);
        if (!File.Exists(path))
        {
            created = TryCreate(path);
            // Lost a race with another process creating it: read what it wrote.
        }
        if (LinuxFileStatus.IsSupported)
        {
            try { return ReadLinux(path); }
            catch (EntryPointNotFoundException) { } // a C library without statx (glibc before 2.28)
        }
        CheckPermissions(path);
        byte[] secret;
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            if (file.Length != Length) throw WrongLength(path, file.Length);
            secret = new byte[Length];
            file.ReadExactly(secret);
        }
        return secret;
    }

    // Opened with O_NOFOLLOW (a link swapped in after the first look is refused by the kernel), and everything is
    // checked on what was opened: type, owner, mode, length.
    private static byte[] ReadLinux(string path)
    {
        if (!LinuxFileStatus.TryOpenForReading(path, out SafeFileHandle handle, out int errno, noFollow: true))
        {
            if (errno == LinuxFileStatus.TooManySymbolicLinks) throw SymbolicLink(path);
            throw new IOException($"secret file {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
        using (handle)
        {
            if (!LinuxFileStatus.TryStat(handle, out var status, out errno))
                throw new IOException($"secret file {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
            if (status.Kind != FileKind.Regular)
                throw new InvalidDataException($"secret file {path} is not a regular file (type 0x{(int)status.Kind:x4}); give --secret-file a file of its own");
            uint user = LinuxFileStatus.EffectiveUserId;
            if (status.OwnerId != user)
                throw new InvalidDataException($"secret file {path} is owned by uid {status.OwnerId}, not by the user the manager runs as (uid {user}); its owner can read it or put another secret in its place. Run: chown {user} {path}");
            if ((status.Permissions & GroupOrOthers) != 0)
                throw NotPrivate(path, status.Permissions);
            if (status.Size != Length) throw WrongLength(path, (long)status.Size);
            var secret = new byte[Length];
            int total = 0;
            while (total < Length)
            {
                int read = RandomAccess.Read(handle, secret.AsSpan(total), total);
                if (read == 0) throw WrongLength(path, total);
                total += read;
            }
            return secret;
        }
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
        if ((mode & GroupOrOthers) != 0) throw NotPrivate(path, mode);
    }

    // lstat: a symbolic link, even one whose target does not exist, is refused before anything is created or read.
    private static void RefuseSymbolicLink(string path)
    {
        string? target = new FileInfo(path).LinkTarget;
        if (target is not null) throw SymbolicLink(path, target);
    }

    private const UnixFileMode GroupOrOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private static InvalidDataException SymbolicLink(string path, string? target = null) =>
        new($"secret file {path} is a symbolic link{(target is null ? "" : " (to " + target + ")")}; the manager does not follow links for its secret (whoever can change the link chooses the secret): give --secret-file the file itself");

    private static InvalidDataException NotPrivate(string path, UnixFileMode mode) =>
        new($"secret file {path} is accessible by group or others (mode {Convert.ToString((int)mode, 8)}); whoever reads it can report results and end sessions for any machine. Run: chmod 600 {path}");

    private static InvalidDataException WrongLength(string path, long length) =>
        new($"secret file {path} holds {length} bytes, not {Length}; it is damaged or not a member secret (move it away to make a new one: every member of a running session then has to rediscover)");
}
