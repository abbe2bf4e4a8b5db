using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace UefiRecovery.Manager.Files;

/// <summary>
/// The Linux calls .NET does not expose for <see cref="RegularFile"/> and the member secret: statx(2), for the
/// file type (.NET cannot tell a regular file from a device or FIFO), owner and permission bits; open(2) with
/// O_NONBLOCK, so opening a FIFO that replaced the file after the check returns at once instead of waiting for a
/// writer, and with O_NOFOLLOW, so a symlink is refused by the kernel rather than by a check that can race; and
/// geteuid(2). struct statx has the same layout on every Linux architecture; the open flags are the x86-64/arm64
/// values (O_NOFOLLOW differs between the two).
/// </summary>
internal static unsafe class LinuxFileStatus
{
    private const int AtFdCwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1;
    private const uint StatxMode = 0x2;
    private const uint StatxUid = 0x8;
    private const uint StatxIno = 0x100;
    private const uint StatxSize = 0x200;
    private const int OpenReadOnly = 0;
    private const int OpenNonBlocking = 0x800;
    private const int OpenNoControllingTty = 0x100;
    private const int OpenCloseOnExec = 0x80000;
    private static int OpenNoFollow => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x8000 : 0x20000;

    /// <summary>errno ELOOP: what open(2) with O_NOFOLLOW returns for a symlink.</summary>
    public const int TooManySymbolicLinks = 40;

    // struct statx offsets (linux/stat.h).
    private const int UidOffset = 20;
    private const int ModeOffset = 28;
    private const int InodeOffset = 32;
    private const int SizeOffset = 40;
    private const int DeviceMajorOffset = 136;
    private const int DeviceMinorOffset = 140;
    private const int StatxBytes = 256;

    public static bool IsSupported => OperatingSystem.IsLinux()
        && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    /// <summary>Type, identity and size of what <paramref name="path"/> names, symlinks followed; errno on failure.</summary>
    public static bool TryStat(string path, out Status status, out int errno)
    {
        byte* buffer = stackalloc byte[StatxBytes];
        byte[] name = NullTerminated(path);
        fixed (byte* p = name)
        {
            if (statx(AtFdCwd, p, 0, StatxType | StatxMode | StatxUid | StatxIno | StatxSize, buffer) != 0) return Failed(out status, out errno);
        }
        status = Read(buffer);
        errno = 0;
        return true;
    }

    /// <summary>The same for an open file: what was actually opened.</summary>
    public static bool TryStat(SafeFileHandle handle, out Status status, out int errno)
    {
        byte* buffer = stackalloc byte[StatxBytes];
        byte empty = 0;
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (statx((int)handle.DangerousGetHandle(), &empty, AtEmptyPath, StatxType | StatxMode | StatxUid | StatxIno | StatxSize, buffer) != 0)
                return Failed(out status, out errno);
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
        status = Read(buffer);
        errno = 0;
        return true;
    }

    /// <summary>open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC), plus O_NOFOLLOW when <paramref name="noFollow"/> (a symlink: ELOOP).</summary>
    public static bool TryOpenForReading(string path, out SafeFileHandle handle, out int errno, bool noFollow = false)
    {
        byte[] name = NullTerminated(path);
        int fd;
        int flags = OpenReadOnly | OpenNonBlocking | OpenNoControllingTty | OpenCloseOnExec | (noFollow ? OpenNoFollow : 0);
        fixed (byte* p = name) fd = open(p, flags);
        if (fd < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            handle = new SafeFileHandle();
            return false;
        }
        errno = 0;
        handle = new SafeFileHandle(fd, ownsHandle: true);
        return true;
    }

    private static bool Failed(out Status status, out int errno)
    {
        errno = Marshal.GetLastPInvokeError();
        status = default;
        return false;
    }

    /// <summary>The effective user id of this process.</summary>
    public static uint EffectiveUserId => geteuid();

    private static Status Read(byte* buffer) => new(
        (FileKind)(*(ushort*)(buffer + ModeOffset) & 0xF000),
        *(ulong*)(buffer + InodeOffset),
        ((ulong)*(uint*)(buffer + DeviceMajorOffset) << 32) | *(uint*)(buffer + DeviceMinorOffset),
        *(ulong*)(buffer + SizeOffset),
        (UnixFileMode)(*(ushort*)(buffer + ModeOffset) & 0xFFF),
        *(uint*)(buffer + UidOffset));

    private static byte[] NullTerminated(string path)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, bytes);
        return bytes;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int dirfd, byte* path, int flags, uint mask, byte* buffer);

    [DllImport("libc", SetLastError = true)]
    private static extern int open(byte* path, int flags);

    [DllImport("libc")]
    private static extern uint geteuid();

    /// <summary>What statx said: file type (S_IFMT bits), inode and device (identity), size in bytes, permission bits, owner.</summary>
    public readonly record struct Status(FileKind Kind, ulong Inode, ulong Device, ulong Size, UnixFileMode Permissions = UnixFileMode.None, uint OwnerId = 0);
}

/// <summary>The S_IFMT file types.</summary>
internal enum FileKind
{
    Fifo = 0x1000,
    CharacterDevice = 0x2000,
    Directory = 0x4000,
    BlockDevice = 0x6000,
    Regular = 0x8000,
    SymbolicLink = 0xA000,
    Socket = 0xC000,
}
