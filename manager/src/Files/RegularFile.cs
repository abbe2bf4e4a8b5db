using System;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace UefiRecovery.Manager.Files;

/// <summary>
/// Reads an input file (a capsule, a payload, a key) that someone else put there: only a regular file
/// (a symlink is followed and its target checked; a FIFO, device, socket or directory is refused before
/// it is opened, and again on what was actually opened), and at most <c>maxBytes</c>. The size the file
/// system reports is never trusted: at most maxBytes + 1 bytes are read, so /proc files, growing files
/// and lying file systems stay bounded too. Every failure is a one-line reason, never an exception.
/// </summary>
public static class RegularFile
{
    private const int ChunkBytes = 1 << 20;

    /// <summary>Reads the whole file, or says in one line why not.</summary>
    /// <param name="limitOption">The option that sets <paramref name="maxBytes"/>, named in the "too large" reason.</param>
    public static bool TryRead(string path, long maxBytes, out byte[] bytes, out string error, string? limitOption = null)
    {
        // One array holds the file and one byte more (to see that it is larger).
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(maxBytes, (long)Array.MaxLength);
        bytes = Array.Empty<byte>();
        try
        {
            var limit = new Limit(maxBytes, limitOption);
            if (LinuxFileStatus.IsSupported)
            {
                try { return TryReadLinux(path, limit, out bytes, out error); }
                catch (EntryPointNotFoundException) { } // a C library without statx (glibc before 2.28)
            }
            return TryReadPortable(path, limit, out bytes, out error);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            bytes = Array.Empty<byte>();
            error = "cannot read: " + e.Message;
            return false;
        }
    }

    /// <summary><see cref="TryRead"/> for call sites that already turn an <see cref="IOException"/> into an error message.</summary>
    /// <exception cref="IOException">The file cannot be read; the message is the one-line reason, with the path.</exception>
    public static byte[] Read(string path, long maxBytes, string? limitOption = null) =>
        TryRead(path, maxBytes, out byte[] bytes, out string error, limitOption) ? bytes : throw new IOException(path + ": " + error);

    private static bool TryReadLinux(string path, Limit limit, out byte[] bytes, out string error)
    {
        bytes = Array.Empty<byte>();
        // Look before opening: opening a device can have side effects (a tape rewinds, a watchdog starts).
        if (!LinuxFileStatus.TryStat(path, out var before, out int errno))
        {
            error = Describe(errno);
            return false;
        }
        if (before.Kind != FileKind.Regular)
        {
            error = NotRegular(path, before.Kind);
            return false;
        }
        if (before.Size > (ulong)limit.Bytes)
        {
            error = limit.Exceeded;
            return false;
        }
        if (!LinuxFileStatus.TryOpenForReading(path, out SafeFileHandle handle, out errno))
        {
            error = Describe(errno);
            return false;
        }
        using (handle)
        {
            // What was opened must be the file that was checked (not something swapped in since).
            if (!LinuxFileStatus.TryStat(handle, out var opened, out errno))
            {
                error = Describe(errno);
                return false;
            }
            if (opened.Kind != FileKind.Regular || opened.Inode != before.Inode || opened.Device != before.Device)
            {
                error = "changed while it was being opened" + (opened.Kind != FileKind.Regular ? ": " + NotRegular(path, opened.Kind) : "");
                return false;
            }
            return TryReadBounded(handle, (long)Math.Min(opened.Size, (ulong)limit.Bytes), limit, out bytes, out error);
        }
    }

    // Other systems: .NET knows directories; devices and FIFOs are not reachable as ordinary paths the
    // way they are on Linux, and the read is bounded all the same.
    private static bool TryReadPortable(string path, Limit limit, out byte[] bytes, out string error)
    {
        bytes = Array.Empty<byte>();
        if (Directory.Exists(path))
        {
            error = "not a regular file (a directory)";
            return false;
        }
        using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long length = RandomAccess.GetLength(handle);
        if (length > limit.Bytes)
        {
            error = limit.Exceeded;
            return false;
        }
        return TryReadBounded(handle, length, limit, out bytes, out error);
    }

    private static bool TryReadBounded(SafeFileHandle handle, long expected, Limit limit, out byte[] bytes, out string error)
    {
        long maxBytes = limit.Bytes;
        // Sized by what the file claims (already capped), grown in chunks if it holds more, never past maxBytes + 1.
        var buffer = new byte[Math.Min(expected, maxBytes) + 1];
        long total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                if (total > maxBytes) break;
                Array.Resize(ref buffer, (int)Math.Min(maxBytes + 1, total + ChunkBytes));
            }
            int read = RandomAccess.Read(handle, buffer.AsSpan((int)total), total);
            if (read == 0) break;
            total += read;
        }
        if (total > maxBytes)
        {
            bytes = Array.Empty<byte>();
            error = limit.Exceeded;
            return false;
        }
        bytes = total == buffer.Length ? buffer : buffer.AsSpan(0, (int)total).ToArray();
        error = "";
        return true;
    }

    private static string NotRegular(string path, FileKind kind)
    {
        string what = kind switch
        {
            FileKind.Directory => "a directory",
            FileKind.CharacterDevice => "a character device",
            FileKind.BlockDevice => "a block device",
            FileKind.Fifo => "a FIFO",
            FileKind.Socket => "a socket",
            _ => "file type 0x" + ((int)kind).ToString("x4", System.Globalization.CultureInfo.InvariantCulture),
        };
        string? target = null;
        try { target = File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName; }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return "not a regular file (" + what + (target is null ? "" : ", via symlink to " + target) + ")";
    }

    private readonly record struct Limit(long Bytes, string? Option)
    {
        public string Exceeded => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"larger than the limit of {Bytes} bytes{(Option is null ? "" : " (" + Option + ")")}");
    }

    private static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);
}
