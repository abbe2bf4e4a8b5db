using System;
using System.Collections.Generic;
using System.Text;
using UefiRecovery.Efi.Uefi;
using UefiRecovery.Efi.Uefi.Raw;
using Xunit;

namespace UefiRecovery.Efi.Tests.Uefi;

/// <summary>
/// <see cref="FilePathNodes"/> over device paths built byte by byte as UEFI 2.10 §10.3.5.4 lays them out
/// (type 4, subtype 4, UINT16 length, NUL-terminated CHAR16 PathName; end node 7F FF 04 00), including
/// malformed ones a firmware could hand over.
/// </summary>
public sealed unsafe class FilePathNodesTests
{
    [Fact]
    public void TryCollect_OneFilePathNode_PathText()
    {
        Assert.Equal(@"\EFI\BOOT\BOOTX64.EFI", Collect(Path(FileNode(@"\EFI\BOOT\BOOTX64.EFI"), End())));
    }

    [Fact]
    public void TryCollect_SplitOverTwoNodesAfterOtherNode_Joined()
    {
        // A hard-drive-like media node (subtype 1) first: skipped; then the path in two pieces.
        byte[] other = Node(0x04, 0x01, new byte[38]);
        Assert.Equal(@"\tools\recovery.efi", Collect(Path(other, FileNode(@"\tools"), FileNode(@"\recovery.efi"), End())));
    }

    [Fact]
    public void TryCollect_NoFilePathNode_False()
    {
        Assert.Null(Collect(Path(Node(0x01, 0x01, new byte[2]), End())));
    }

    [Fact]
    public void TryCollect_NodeLengthBelowHeader_False()
    {
        byte[] broken = { 0x04, 0x04, 0x02, 0x00 };
        Assert.Null(Collect(Path(broken, End())));
    }

    [Fact]
    public void TryCollect_OddPathNameSize_False()
    {
        byte[] node = FileNode(@"\a.efi");
        node[2]--;   // one byte shorter: the PathName size becomes odd
        Assert.Null(Collect(Path(node[..^1], End())));
    }

    [Fact]
    public void TryCollect_NoEndWithinMaxNodes_False()
    {
        var nodes = new List<byte[]>();
        for (int i = 0; i <= FilePathNodes.MaxNodes; i++)
            nodes.Add(FileNode(@"\x"));
        Assert.Null(Collect(Path(nodes.ToArray())));
    }

    [Fact]
    public void TryCollect_LongerThanDestination_False()
    {
        byte[] path = Path(FileNode(@"\EFI\BOOT\BOOTX64.EFI"), End());
        fixed (byte* p = path)
        {
            Assert.False(FilePathNodes.TryCollect((DevicePathProtocol*)p, new char[10], out _));
        }
    }

    [Fact]
    public void TryCollect_Null_False()
    {
        Assert.False(FilePathNodes.TryCollect(null, new char[10], out int length));
        Assert.Equal(0, length);
    }

    private static string? Collect(byte[] path)
    {
        char[] destination = new char[160];
        fixed (byte* p = path)
        {
            return FilePathNodes.TryCollect((DevicePathProtocol*)p, destination, out int length) ? new string(destination, 0, length) : null;
        }
    }

    private static byte[] FileNode(string text) => Node(DevicePathType.Media, DevicePathSubType.MediaFilePath, Encoding.Unicode.GetBytes(text + "\0"));

    private static byte[] End() => Node(DevicePathType.End, DevicePathSubType.EndEntire, Array.Empty<byte>());

    private static byte[] Node(byte type, byte subType, byte[] body)
    {
        byte[] node = new byte[4 + body.Length];
        node[0] = type;
        node[1] = subType;
        node[2] = (byte)node.Length;
        node[3] = (byte)(node.Length >> 8);
        body.CopyTo(node, 4);
        return node;
    }

    private static byte[] Path(params byte[][] nodes)
    {
        var all = new List<byte>();
        foreach (byte[] node in nodes)
            all.AddRange(node);
        // Trailing padding so a walk that ran past the last node would read our zeros, never foreign memory.
        all.AddRange(new byte[64]);
        return all.ToArray();
    }
}
