using System;
using System.Text;
using UefiRecovery.Efi.Uefi.Smbios;
using Xunit;

namespace UefiRecovery.Efi.Tests.Uefi.Smbios;

public sealed class SmbiosOemStringsTests
{
    private static readonly byte[] ModePrefix = Encoding.ASCII.GetBytes("uefirecovery:mode=");

    [Theory]
    [InlineData(1, "uefirecovery:mode=selftest")]
    [InlineData(2, "second=value")]
    public void TryGetString_QemuType11_ReturnsOemString(int number, string expected)
    {
        byte[] table = Convert.FromHexString(SmbiosVectors.OemStrings);
        var walker = new SmbiosStructureWalker(table, 0);
        Assert.True(walker.TryNext(out SmbiosStructure oem));

        Assert.True(SmbiosOemStrings.TryGetCount(oem, out int count));
        Assert.Equal(2, count);
        Assert.True(SmbiosOemStrings.TryGetString(oem, number, out ReadOnlySpan<byte> text));
        Assert.Equal(expected, Encoding.ASCII.GetString(text));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void TryGetString_NumberOutsideCount_ReturnsFalse(int number)
    {
        byte[] table = Convert.FromHexString(SmbiosVectors.OemStrings);
        var walker = new SmbiosStructureWalker(table, 0);
        Assert.True(walker.TryNext(out SmbiosStructure oem));

        Assert.False(SmbiosOemStrings.TryGetString(oem, number, out _));
    }

    [Fact]
    public void TryGetString_CountLargerThanStringSet_ReturnsFalseForMissingString()
    {
        // Count says 3, only two strings follow: the reader must not run into the next structure.
        byte[] table = Convert.FromHexString("0B05000B03" + "410042000000" + SmbiosVectors.EndOfTable);
        var walker = new SmbiosStructureWalker(table, 0);
        Assert.True(walker.TryNext(out SmbiosStructure oem));

        Assert.True(SmbiosOemStrings.TryGetString(oem, 2, out _));
        Assert.False(SmbiosOemStrings.TryGetString(oem, 3, out _));
    }

    [Fact]
    public void TryFindValue_Real64BitTable_CopiesValueAfterPrefix()
    {
        Span<char> destination = stackalloc char[32];

        Assert.True(SmbiosOemStrings.TryFindValue(SmbiosVectors.Qemu72Table64Bytes(), 0, ModePrefix, destination, out int written));
        Assert.Equal("selftest", destination.Slice(0, written).ToString());
    }

    [Fact]
    public void TryFindValue_StructureLimitBeforeType11_ReturnsFalse()
    {
        // Type 11 is the fourth structure of the capture; a 2.x count of 3 must stop before it.
        Span<char> destination = stackalloc char[32];

        Assert.False(SmbiosOemStrings.TryFindValue(SmbiosVectors.Qemu72Table32Bytes(), 3, ModePrefix, destination, out _));
    }

    [Fact]
    public void TryGetCount_OtherStructureType_ReturnsFalse()
    {
        byte[] table = SmbiosVectors.Qemu72Table32Bytes();
        var walker = new SmbiosStructureWalker(table, 0);
        Assert.True(walker.TryNext(out SmbiosStructure bios));

        Assert.False(SmbiosOemStrings.TryGetCount(bios, out int count));
        Assert.Equal(0, count);
    }

    [Fact]
    public void TryGetCount_Type11ShorterThanCountField_ReturnsFalse()
    {
        byte[] table = Convert.FromHexString("0B04000B0000");
        var walker = new SmbiosStructureWalker(table, 0);
        Assert.True(walker.TryNext(out SmbiosStructure oem));

        Assert.False(SmbiosOemStrings.TryGetCount(oem, out _));
    }

    [Fact]
    public void TryFindValue_RealQemuTable_CopiesValueAfterPrefix()
    {
        byte[] table = SmbiosVectors.Qemu72Table32Bytes();
        Span<char> destination = stackalloc char[32];
        destination.Fill('\uA5A5');

        Assert.True(SmbiosOemStrings.TryFindValue(table, 0, ModePrefix, destination, out int written));
        Assert.Equal("selftest", destination.Slice(0, written).ToString());
        Assert.Equal('\uA5A5', destination[written]);
    }

    [Fact]
    public void TryFindValue_SecondStringMatches_ReturnsIt()
    {
        byte[] table = SmbiosVectors.Qemu72Table32Bytes();
        Span<char> destination = stackalloc char[32];

        Assert.True(SmbiosOemStrings.TryFindValue(table, 0, Encoding.ASCII.GetBytes("second="), destination, out int written));
        Assert.Equal("value", destination.Slice(0, written).ToString());
    }

    [Fact]
    public void TryFindValue_DestinationTooShort_WritesNothing()
    {
        byte[] table = SmbiosVectors.Qemu72Table32Bytes();
        char[] destination = new char[7];
        Array.Fill(destination, '\uA5A5');

        Assert.False(SmbiosOemStrings.TryFindValue(table, 0, ModePrefix, destination, out int written));
        Assert.Equal(0, written);
        Assert.All(destination, c => Assert.Equal('\uA5A5', c));
    }

    [Fact]
    public void TryFindValue_NoMatchingString_ReturnsFalse()
    {
        byte[] table = SmbiosVectors.Qemu72Table32Bytes();
        Span<char> destination = stackalloc char[32];

        Assert.False(SmbiosOemStrings.TryFindValue(table, 0, Encoding.ASCII.GetBytes("nothing="), destination, out int written));
        Assert.Equal(0, written);
    }

    [Fact]
    public void TryFindValue_NoType11InTable_ReturnsFalse()
    {
        byte[] table = Convert.FromHexString(SmbiosVectors.BiosInformation + SmbiosVectors.SystemInformation + SmbiosVectors.EndOfTable);
        Span<char> destination = stackalloc char[32];

        Assert.False(SmbiosOemStrings.TryFindValue(table, 0, ModePrefix, destination, out _));
    }

    [Fact]
    public void TryFindValue_NonAsciiValue_ReturnsFalse()
    {
        // "m=" then 0xC3 0xA9 (UTF-8 "é").
        byte[] table = Convert.FromHexString("0B05000B01" + "6D3DC3A90000" + SmbiosVectors.EndOfTable);
        Span<char> destination = stackalloc char[32];

        Assert.False(SmbiosOemStrings.TryFindValue(table, 0, Encoding.ASCII.GetBytes("m="), destination, out int written));
        Assert.Equal(0, written);
    }

    [Fact]
    public void TryFindValue_EmptyValueAfterPrefix_ReturnsTrueWithZeroChars()
    {
        byte[] table = Convert.FromHexString("0B05000B01" + "6D3D0000" + SmbiosVectors.EndOfTable);
        Span<char> destination = stackalloc char[4];

        Assert.True(SmbiosOemStrings.TryFindValue(table, 0, Encoding.ASCII.GetBytes("m="), destination, out int written));
        Assert.Equal(0, written);
    }
}
