using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using UefiRecovery.Testbed.Guest;
using Xunit;

namespace UefiRecovery.QemuTests.Harness;

/// <summary>testbed's newc writer, checked against the format by hand (header fields, 4-byte padding, trailer).</summary>
public sealed class CpioNewcWriterTests
{
    [Fact]
    public void AddFile_OneFile_HeaderNameDataAndTrailerLaidOutAsNewc()
    {
        var output = new MemoryStream();
        var cpio = new CpioNewcWriter(output);
        cpio.AddFile("init", Encoding.ASCII.GetBytes("hello"), 0x1ED);
        cpio.Finish();
        byte[] bytes = output.ToArray();

        // 110-byte header: magic, ino 1, mode 0100755, uid, gid, nlink 1, mtime, filesize 5, 4 device numbers, namesize 5, check.
        string expectedHeader = "070701" + "00000001" + "000081ED" + "00000000" + "00000000" + "00000001" + "00000000" + "00000005"
            + "00000000" + "00000000" + "00000000" + "00000000" + "00000005" + "00000000";
        Assert.Equal(expectedHeader, Encoding.ASCII.GetString(bytes, 0, 110));
        // "init\0" ends at 115, padded to 116; data "hello" to 121, padded to 124.
        Assert.Equal("init\0\0", Encoding.ASCII.GetString(bytes, 110, 6));
        Assert.Equal("hello\0\0\0", Encoding.ASCII.GetString(bytes, 116, 8));
        Assert.Equal("070701", Encoding.ASCII.GetString(bytes, 124, 6));
        Assert.Equal("TRAILER!!!\0", Encoding.ASCII.GetString(bytes, 124 + 110, 11));
        Assert.Equal(0, bytes.Length % 4);
    }

    public static IEnumerable<object[]> NameLengths() => new[] { new object[] { 1 }, new object[] { 2 }, new object[] { 3 }, new object[] { 4 }, new object[] { 5 } };

    [Theory]
    [MemberData(nameof(NameLengths))]
    public void AddFile_AnyNameAndDataLength_NextHeaderStartsOnFourBytes(int length)
    {
        var output = new MemoryStream();
        var cpio = new CpioNewcWriter(output);
        cpio.AddFile(new string('a', length), new byte[length]);
        long afterFirst = output.Length;
        cpio.AddDirectory("d");

        Assert.Equal(0, afterFirst % 4);
        Assert.Equal("070701", Encoding.ASCII.GetString(output.ToArray(), (int)afterFirst, 6));
    }

    [Fact]
    public void AddSymlink_Target_StoredAsDataWithLinkMode()
    {
        var output = new MemoryStream();
        var cpio = new CpioNewcWriter(output);
        cpio.AddSymlink("lib64/ld.so", "/lib/ld.so");
        byte[] bytes = output.ToArray();

        Assert.Equal("0000A1FF", Encoding.ASCII.GetString(bytes, 14, 8));
        Assert.Equal("0000000A", Encoding.ASCII.GetString(bytes, 54, 8));
        Assert.Equal("/lib/ld.so", Encoding.ASCII.GetString(bytes, 124, 10));
    }

    public static IEnumerable<object[]> BadNames() => new[]
    {
        new object[] { "" }, new object[] { "/init" }, new object[] { "bin/" }, new object[] { "a/../b" }, new object[] { "a//b" },
        new object[] { "TRAILER!!!" }, new object[] { "a\0b" },
    };

    [Theory]
    [MemberData(nameof(BadNames))]
    public void AddFile_BadName_ThrowsAndWritesNothing(string name)
    {
        var output = new MemoryStream();
        var cpio = new CpioNewcWriter(output);

        Assert.Throws<ArgumentException>(() => cpio.AddFile(name, new byte[] { 1 }));
        Assert.Equal(0, output.Length);
    }

    [Fact]
    public void AddFile_SameNameTwice_ThrowsAndWritesNothingMore()
    {
        var output = new MemoryStream();
        var cpio = new CpioNewcWriter(output);
        cpio.AddFile("init", new byte[] { 1 });
        long length = output.Length;

        Assert.Throws<ArgumentException>(() => cpio.AddDirectory("init"));
        Assert.Equal(length, output.Length);
    }

    [Fact]
    public void AddFile_AfterFinish_ThrowsAndWritesNothingMore()
    {
        var output = new MemoryStream();
        var cpio = new CpioNewcWriter(output);
        cpio.Finish();
        long length = output.Length;

        Assert.Throws<InvalidOperationException>(() => cpio.AddFile("init", new byte[] { 1 }));
        Assert.Equal(length, output.Length);
    }
}
