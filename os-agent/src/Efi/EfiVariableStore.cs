using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using static UefiRecovery.Agent.Libc;

namespace UefiRecovery.Agent.Efi;

/// <summary>
/// EFI variables through efivarfs (Documentation/filesystems/efivarfs.rst): a file <c>Name-guid</c> holds the
/// 4-byte attributes followed by the data. A write must carry both in one write(2), and existing files are
/// immutable until the flag is cleared (FS_IOC_SETFLAGS). The root is configurable so tests run against a
/// temporary directory; there a regular file stands in, and is opened with O_TRUNC because it does not replace
/// its contents on write the way efivarfs replaces a variable.
/// </summary>
internal sealed class EfiVariableStore
{
    private const uint EfivarfsMagic = 0xde5e81e4;
    private const uint SysfsMagic = 0x62656572;  // SYSFS_MAGIC (linux/magic.h): the efivars directory with nothing mounted on it
    private const nuint FS_IOC_GETFLAGS = 0x80086601, FS_IOC_SETFLAGS = 0x40086602;
    private const int FS_IMMUTABLE_FL = 0x10;

    public EfiVariableStore(string root)
    {
        Root = root;
    }

    public string Root { get; }

    /// <summary>
    /// Whether the root exists and is not the bare sysfs directory efivarfs is mounted on: a kernel booted through
    /// UEFI has /sys/firmware/efi/efivars even when efivarfs is not mounted there, empty and not writable (found in
    /// the Linux guest: the agent then took Boot0000, which the OS's own entry holds, and failed to write it).
    /// </summary>
    public bool IsPresent => Directory.Exists(Root) && StatFsType(Root) != SysfsMagic;

    /// <summary>Whether the root is a real efivarfs mount (false for the tests' directory).</summary>
    public bool IsEfivarfs => StatFsType(Root) == EfivarfsMagic;

    public static string FileName(string name, EfiGuid vendor) => name + "-" + vendor;

    /// <summary>Names of the variables of <paramref name="vendor"/> whose name starts with <paramref name="prefix"/>.</summary>
    public List<string> List(string prefix, EfiGuid vendor)
    {
        var names = new List<string>();
        string suffix = "-" + vendor;
        foreach (string path in Directory.GetFiles(Root))
        {
            string file = Path.GetFileName(path);
            if (file.StartsWith(prefix, StringComparison.Ordinal) && file.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                names.Add(file.Substring(0, file.Length - suffix.Length));
            }
        }
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <summary>Whether a variable of that name exists at all (readable or not): its number is taken.</summary>
    public bool Exists(string name, EfiGuid vendor) => File.Exists(Path.Combine(Root, FileName(name, vendor)));

    /// <summary>Reads a variable; false when it does not exist or is shorter than its attributes.</summary>
    public bool TryRead(string name, EfiGuid vendor, out EfiVariableAttributes attributes, out byte[] data)
    {
        attributes = 0;
        data = Array.Empty<byte>();
        string path = Path.Combine(Root, FileName(name, vendor));
        if (!File.Exists(path))
        {
            return false;
        }
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 4)
        {
            return false;
        }
        attributes = (EfiVariableAttributes)BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        data = bytes.AsSpan(4).ToArray();
        return true;
    }

    /// <summary>Creates or replaces a variable: clears the immutable flag of an existing file, then one write of attributes + data.</summary>
    public bool TryWrite(string name, EfiGuid vendor, EfiVariableAttributes attributes, ReadOnlySpan<byte> data, out string error)
    {
        error = "";
        string path = Path.Combine(Root, FileName(name, vendor));
        if (File.Exists(path) && !TryClearImmutable(path, out error))
        {
            return false;
        }
        byte[] bytes = new byte[4 + data.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)attributes);
        data.CopyTo(bytes.AsSpan(4));
        int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (IsEfivarfs ? 0 : O_TRUNC);
        int fd = Libc.Open(path, flags, 0x1A4 /* 0644 */);
        if (fd < 0)
        {
            error = "open " + path + ": " + Marshal.GetLastPInvokeErrorMessage();
            return false;
        }
        long written;
        unsafe
        {
            fixed (byte* p = bytes)
            {
                written = Libc.Write(fd, p, (nuint)bytes.Length);
            }
        }
        string writeError = written < 0 ? Marshal.GetLastPInvokeErrorMessage() : "";
        Libc.Close(fd);
        if (written != bytes.Length)
        {
            error = "write " + path + ": " + (written < 0 ? writeError : "short write of " + written + " of " + bytes.Length + " bytes");
            return false;
        }
        return true;
    }

    /// <summary>Deletes a variable (unlink in efivarfs), clearing the immutable flag first; true when it is gone.</summary>
    public bool TryDelete(string name, EfiGuid vendor, out string error)
    {
        error = "";
        string path = Path.Combine(Root, FileName(name, vendor));
        if (!File.Exists(path))
        {
            return true;
        }
        if (!TryClearImmutable(path, out error))
        {
            return false;
        }
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            error = "delete " + path + ": " + e.Message;
            return false;
        }
    }

    // efivarfs marks existing variables immutable so that a stray rm cannot brick a machine; file systems
    // without the flag (the tests' tmpfs on older kernels) answer ENOTTY/EOPNOTSUPP, which is fine.
    private static bool TryClearImmutable(string path, out string error)
    {
        error = "";
        int fd = Libc.Open(path, O_RDONLY | O_CLOEXEC, 0);
        if (fd < 0)
        {
            error = "open " + path + ": " + Marshal.GetLastPInvokeErrorMessage();
            return false;
        }
        int attributes = 0;
        bool ok = true;
        unsafe
        {
            if (Libc.Ioctl(fd, FS_IOC_GETFLAGS, &attributes) == 0)
            {
                if ((attributes & FS_IMMUTABLE_FL) != 0)
                {
                    attributes &= ~FS_IMMUTABLE_FL;
                    if (Libc.Ioctl(fd, FS_IOC_SETFLAGS, &attributes) != 0)
                    {
                        error = "clear immutable flag of " + path + ": " + Marshal.GetLastPInvokeErrorMessage();
                        ok = false;
                    }
                }
            }
            else
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno != ENOTTY && errno != EOPNOTSUPP && errno != EINVAL)
                {
                    error = "read flags of " + path + ": " + Marshal.GetLastPInvokeErrorMessage();
                    ok = false;
                }
            }
        }
        Libc.Close(fd);
        return ok;
    }

    private static unsafe long StatFsType(string path)
    {
        byte* buffer = stackalloc byte[256];
        return Libc.StatFs(path, buffer) == 0 ? *(long*)buffer : -1;
    }
}
