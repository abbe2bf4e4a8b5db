using System.Runtime.InteropServices;

namespace UefiRecovery.Agent;

/// <summary>The few system calls .NET does not expose the way efivarfs and a crash-safe state file need them.</summary>
internal static unsafe partial class Libc
{
    public const int O_RDONLY = 0, O_WRONLY = 0x1, O_CREAT = 0x40, O_TRUNC = 0x200, O_DIRECTORY = 0x10000, O_CLOEXEC = 0x80000;
    public const int ENOTTY = 25, EINVAL = 22, EOPNOTSUPP = 95;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "close")]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, int* argument);

    [LibraryImport("libc", EntryPoint = "statfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int StatFs(string path, byte* buffer);

    [LibraryImport("libc", EntryPoint = "sync")]
    public static partial void Sync();

    [LibraryImport("libc", EntryPoint = "reboot", SetLastError = true)]
    public static partial int Reboot(int command);

    /// <summary>fsync of a directory, so a rename in it is durable.</summary>
    public static bool FsyncDirectory(string path)
    {
        int fd = Open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
        if (fd < 0)
        {
            return false;
        }
        bool ok = Fsync(fd) == 0;
        Close(fd);
        return ok;
    }
}
