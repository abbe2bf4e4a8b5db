using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace UefiRecovery.Testbed.Guest;

/// <summary>
/// Writes a cpio archive in the "newc" format (magic 070701), the one the Linux kernel unpacks as an
/// initramfs: per entry a 110-byte ASCII header (13 eight-digit hex fields), the NUL-terminated name padded to
/// 4 bytes, the data padded to 4 bytes; the archive ends with the entry "TRAILER!!!". Owner is root, mtime 0, so
/// the same entries always give the same bytes (the guest cache is keyed by content).
/// </summary>
public sealed class CpioNewcWriter
{
    public const string Magic = "070701";
    public const string TrailerName = "TRAILER!!!";
    public const int HeaderLength = 110;

    private const uint TypeDirectory = 0x4000;  // S_IFDIR (octal 040000)
    private const uint TypeRegular = 0x8000;    // S_IFREG (octal 0100000)
    private const uint TypeSymlink = 0xA000;    // S_IFLNK (octal 0120000)

    private readonly Stream _output;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private uint _nextInode = 1;
    private bool _finished;

    public CpioNewcWriter(Stream output)
    {
        _output = output ?? throw new ArgumentNullException(nameof(output));
    }

    public void AddDirectory(string name, uint permissions = 0x1ED /* 0755 */) =>
        AddEntry(name, TypeDirectory | (permissions & 0xFFF), ReadOnlySpan<byte>.Empty, links: 2);

    public void AddFile(string name, ReadOnlySpan<byte> content, uint permissions = 0x1A4 /* 0644 */) =>
        AddEntry(name, TypeRegular | (permissions & 0xFFF), content, links: 1);

    public void AddSymlink(string name, string target) =>
        AddEntry(name, TypeSymlink | 0x1FF, Encoding.UTF8.GetBytes(target), links: 1);

    /// <summary>Writes the trailer entry; nothing can be added after it.</summary>
    public void Finish()
    {
        EnsureOpen();
        WriteEntry(TrailerName, 0, ReadOnlySpan<byte>.Empty, links: 1, inode: 0);
        _finished = true;
    }

    private void AddEntry(string name, uint mode, ReadOnlySpan<byte> content, uint links)
    {
        EnsureOpen();
        ValidateName(name);
        if (!_names.Add(name))
        {
            throw new ArgumentException("cpio: the archive already has an entry named " + name, nameof(name));
        }
        WriteEntry(name, mode, content, links, _nextInode++);
    }

    private static void ValidateName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.StartsWith('/') || name.EndsWith('/') || name.Contains('\0')
            || name == TrailerName || Array.IndexOf(name.Split('/'), "..") >= 0 || Array.IndexOf(name.Split('/'), "") >= 0)
        {
            throw new ArgumentException("cpio: not a relative path without '..', empty parts or a trailing '/': \"" + name + "\"", nameof(name));
        }
    }

    private void WriteEntry(string name, uint mode, ReadOnlySpan<byte> content, uint links, uint inode)
    {
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        var header = new StringBuilder(HeaderLength);
        header.Append(Magic);
        foreach (uint field in new uint[]
        {
            inode, mode, 0 /* uid */, 0 /* gid */, links, 0 /* mtime */, checked((uint)content.Length),
            0, 0 /* dev major/minor */, 0, 0 /* rdev major/minor */, checked((uint)nameBytes.Length + 1), 0 /* check */,
        })
        {
            header.Append(field.ToString("X8"));
        }
        _output.Write(Encoding.ASCII.GetBytes(header.ToString()));
        _output.Write(nameBytes);
        _output.WriteByte(0);
        Pad(HeaderLength + nameBytes.Length + 1);
        _output.Write(content);
        Pad(content.Length);
    }

    private void Pad(int written)
    {
        int padding = (4 - written % 4) % 4;
        for (int i = 0; i < padding; i++)
        {
            _output.WriteByte(0);
        }
    }

    private void EnsureOpen()
    {
        if (_finished)
        {
            throw new InvalidOperationException("cpio: the archive is finished");
        }
    }
}
