using System;
using UefiRecovery.Core.Common;
using UefiRecovery.Efi.Uefi.Raw;
using Xunit;

namespace UefiRecovery.Efi.Tests.Uefi;

/// <summary>
/// EFI_SIMPLE_FILE_SYSTEM_PROTOCOL and EFI_FILE_PROTOCOL (UEFI 2.10 §13.4, §13.5) against the spec's x64
/// layout, in <see cref="RawLayoutTests"/>' pattern: offsets typed in from the spec's slot order (8 bytes per
/// slot), and the struct must declare exactly these fields in this order.
/// </summary>
public sealed unsafe class FileProtocolLayoutTests
{
    /// <summary>UEFI 2.10 §13.4.1 EFI_SIMPLE_FILE_SYSTEM_PROTOCOL.</summary>
    [Fact]
    public void SimpleFileSystemProtocol_Layout_MatchesSpec()
    {
        SimpleFileSystemProtocol s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<SimpleFileSystemProtocol>(sizeof(SimpleFileSystemProtocol), 0x10,
            new FieldOffset("Revision", (byte*)&s.Revision - b, 0x0),
            new FieldOffset("OpenVolume", (byte*)&s.OpenVolume - b, 0x8));
    }

    /// <summary>UEFI 2.10 §13.5.1 EFI_FILE_PROTOCOL (revision 2: the four Ex slots at the end).</summary>
    [Fact]
    public void FileProtocol_Layout_MatchesSpec()
    {
        FileProtocol s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<FileProtocol>(sizeof(FileProtocol), 0x78,
            new FieldOffset("Revision", (byte*)&s.Revision - b, 0x0),
            new FieldOffset("Open", (byte*)&s.Open - b, 0x8),
            new FieldOffset("Close", (byte*)&s.Close - b, 0x10),
            new FieldOffset("Delete", (byte*)&s.Delete - b, 0x18),
            new FieldOffset("Read", (byte*)&s.Read - b, 0x20),
            new FieldOffset("Write", (byte*)&s.Write - b, 0x28),
            new FieldOffset("GetPosition", (byte*)&s.GetPosition - b, 0x30),
            new FieldOffset("SetPosition", (byte*)&s.SetPosition - b, 0x38),
            new FieldOffset("GetInfo", (byte*)&s.GetInfo - b, 0x40),
            new FieldOffset("SetInfo", (byte*)&s.SetInfo - b, 0x48),
            new FieldOffset("Flush", (byte*)&s.Flush - b, 0x50),
            new FieldOffset("OpenEx", (byte*)&s.OpenEx - b, 0x58),
            new FieldOffset("ReadEx", (byte*)&s.ReadEx - b, 0x60),
            new FieldOffset("WriteEx", (byte*)&s.WriteEx - b, 0x68),
            new FieldOffset("FlushEx", (byte*)&s.FlushEx - b, 0x70));
    }

    /// <summary>EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID as UEFI 2.10 §13.4.1 prints it.</summary>
    [Fact]
    public void SimpleFileSystemProtocol_Guid_MatchesRegistryForm()
    {
        EfiGuid guid = SimpleFileSystemProtocol.Guid;
        // System.Guid's byte form uses the same mixed-endian layout as EFI_GUID.
        byte[] expected = System.Guid.Parse("964E5B22-6459-11D2-8E39-00A0C969723B").ToByteArray();
        Assert.Equal(expected, new ReadOnlySpan<byte>(&guid, sizeof(EfiGuid)).ToArray());
    }

    /// <summary>Open modes and revisions (§13.5.1, §13.5.2).</summary>
    [Fact]
    public void FileProtocol_Constants_MatchSpec()
    {
        Assert.Equal(0x0000000000000001UL, FileProtocol.ModeRead);
        Assert.Equal(0x0000000000000002UL, FileProtocol.ModeWrite);
        Assert.Equal(0x8000000000000000UL, FileProtocol.ModeCreate);
        Assert.Equal(0x00010000UL, FileProtocol.Revision1);
        Assert.Equal(0x00020000UL, FileProtocol.Revision2);
        Assert.Equal(0x00010000UL, SimpleFileSystemProtocol.CurrentRevision);
    }
}
