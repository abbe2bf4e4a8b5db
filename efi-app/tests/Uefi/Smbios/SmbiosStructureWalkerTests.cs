using System;
using System.Collections.Generic;
using System.Text;
using UefiRecovery.Efi.Uefi.Smbios;
using Xunit;

namespace UefiRecovery.Efi.Tests.Uefi.Smbios;

public sealed class SmbiosStructureWalkerTests
{
    public static TheoryData<string> RealTables => new() { nameof(SmbiosVectors.Qemu72Table32), nameof(SmbiosVectors.Qemu72Table64) };

    private static byte[] Real(string name) =>
        name == nameof(SmbiosVectors.Qemu72Table32) ? SmbiosVectors.Qemu72Table32Bytes() : SmbiosVectors.Qemu72Table64Bytes();

    [Theory]
    [MemberData(nameof(RealTables))]
    public void TryNext_RealQemuTable_ReturnsEachStructureThenEndOfTable(string name)
    {
        byte[] table = Real(name);
        var walker = new SmbiosStructureWalker(table, 0);
        var types = new List<byte>();
        while (walker.TryNext(out SmbiosStructure s))
        {
            types.Add(s.Type);
        }

        Assert.Equal(SmbiosVectors.Qemu72Types, types);
        Assert.Equal(SmbiosWalkStatus.EndOfTable, walker.Status);
        Assert.Equal(table.Length, walker.Offset);
        Assert.False(walker.TryNext(out _));
    }

    [Fact]
    public void TryNext_RealQemuTable_HeadersMatchCapture()
    {
        var walker = new SmbiosStructureWalker(SmbiosVectors.Qemu72Table32Bytes(), 0);
        var headers = new List<(byte, byte, ushort)>();
        while (walker.TryNext(out SmbiosStructure s))
        {
            headers.Add((s.Type, s.Length, s.Handle));
        }

        Assert.Equal(
            new (byte, byte, ushort)[]
            {
                (1, 0x1B, 0x0100), (3, 0x16, 0x0300), (4, 0x2A, 0x0400), (11, 0x05, 0x0E00), (16, 0x17, 0x1000),
                (17, 0x28, 0x1100), (19, 0x1F, 0x1300), (32, 0x0B, 0x2000), (0, 0x1A, 0x0000), (127, 0x04, 0xFEFF),
            },
            headers);
    }

    [Theory]
    [InlineData(1, "QEMU")]
    [InlineData(2, "Standard PC (Q35 + ICH9, 2009)")]
    [InlineData(3, "pc-q35-7.2")]
    public void TryGetString_RealSystemInformation_ReturnsNumberedString(int number, string expected)
    {
        var walker = new SmbiosStructureWalker(SmbiosVectors.Qemu72Table32Bytes(), 0);
        Assert.True(walker.TryNext(out SmbiosStructure system));
        Assert.Equal(1, system.Type);

        Assert.True(system.TryGetString(number, out ReadOnlySpan<byte> text));
        Assert.Equal(expected, Encoding.ASCII.GetString(text));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(-1)]
    public void TryGetString_NumberOutsideStringSet_ReturnsFalse(int number)
    {
        var walker = new SmbiosStructureWalker(SmbiosVectors.HandBuiltTable(), 0);
        Assert.True(walker.TryNext(out SmbiosStructure bios));

        Assert.False(bios.TryGetString(number, out ReadOnlySpan<byte> text));
        Assert.True(text.IsEmpty);
    }

    [Fact]
    public void TryGetString_StructureWithoutStrings_ReturnsFalse()
    {
        byte[] table = Convert.FromHexString(SmbiosVectors.EndOfTable);
        var walker = new SmbiosStructureWalker(table, 0);
        Assert.True(walker.TryNext(out SmbiosStructure end));

        Assert.True(end.Strings.IsEmpty);
        Assert.False(end.TryGetString(1, out _));
    }

    [Fact]
    public void TryNext_StructureLimitOf2x_StopsWithCountReached()
    {
        var walker = new SmbiosStructureWalker(SmbiosVectors.Qemu72Table32Bytes(), 2);
        Assert.True(walker.TryNext(out _));
        Assert.True(walker.TryNext(out _));

        Assert.False(walker.TryNext(out _));
        Assert.Equal(SmbiosWalkStatus.CountReached, walker.Status);
    }

    [Fact]
    public void TryNext_RealTableWithItsEntryPointCount_ReachesEndOfTable()
    {
        // The 2.x entry point states 10 structures; the tenth is the End-of-Table, which ends the walk first.
        var walker = new SmbiosStructureWalker(SmbiosVectors.Qemu72Table32Bytes(), 10);
        int count = 0;
        while (walker.TryNext(out _))
        {
            count++;
        }

        Assert.Equal(10, count);
        Assert.Equal(SmbiosWalkStatus.EndOfTable, walker.Status);
    }

    [Fact]
    public void TryNext_TableWithoutEndStructure_EndsWithEndOfData()
    {
        byte[] table = Convert.FromHexString(SmbiosVectors.BiosInformation + SmbiosVectors.OemStrings);
        var walker = new SmbiosStructureWalker(table, 0);
        Assert.True(walker.TryNext(out _));
        Assert.True(walker.TryNext(out _));

        Assert.False(walker.TryNext(out _));
        Assert.Equal(SmbiosWalkStatus.EndOfData, walker.Status);
    }

    [Fact]
    public void TryNext_TrailingBytesAfterEndOfTable_AreNotRead()
    {
        // 3.x tables are walked within TableMaximumSize; whatever follows type 127 is not structure data.
        byte[] table = Convert.FromHexString(SmbiosVectors.EndOfTable + "FF02FFFF");
        var walker = new SmbiosStructureWalker(table, 0);
        Assert.True(walker.TryNext(out _));

        Assert.False(walker.TryNext(out _));
        Assert.Equal(SmbiosWalkStatus.EndOfTable, walker.Status);
        Assert.Equal(6, walker.Offset);
    }

    [Theory]
    [InlineData("0003000000", SmbiosWalkStatus.BadLength)]     // Length 3 < the 4-byte header
    [InlineData("0000000000", SmbiosWalkStatus.BadLength)]     // Length 0 would loop forever if accepted
    [InlineData("0B050000024100", SmbiosWalkStatus.Truncated)] // string-set without its double NUL
    [InlineData("0B0A00000200", SmbiosWalkStatus.Truncated)]   // Length past the end of the table
    [InlineData("0B05", SmbiosWalkStatus.Truncated)]           // cut inside the header
    public void TryNext_MalformedStructure_StopsWithReasonAndConsumesNothing(string hex, SmbiosWalkStatus expected)
    {
        byte[] table = Convert.FromHexString(hex);
        var walker = new SmbiosStructureWalker(table, 0);

        Assert.False(walker.TryNext(out SmbiosStructure s));
        Assert.Equal(expected, walker.Status);
        Assert.Equal(0, walker.Offset);
        Assert.True(s.Formatted.IsEmpty);
    }

    [Fact]
    public void TryNext_EveryPrefixOfHandBuiltTable_EndsCleanlyWithOnlyCompleteStructures()
    {
        // Structure boundaries of the hand-built table: 0, 48h, 48h+4Bh, 48h+4Bh+2Eh (sizes counted by hand).
        AssertEveryPrefix(SmbiosVectors.HandBuiltTable(), new[] { 0, 0x48, 0x48 + 0x4B, 0x48 + 0x4B + 0x2E });
    }

    [Theory]
    [MemberData(nameof(RealTables))]
    public void TryNext_EveryPrefixOfRealTable_EndsCleanlyWithOnlyCompleteStructures(string name)
    {
        byte[] table = Real(name);
        var boundaries = new List<int> { 0 };
        var walker = new SmbiosStructureWalker(table, 0);
        while (walker.TryNext(out _))
        {
            boundaries.Add(walker.Offset);
        }

        boundaries.RemoveAt(boundaries.Count - 1); // the full length ends with EndOfTable, not a cut
        AssertEveryPrefix(table, boundaries.ToArray());
    }

    private static void AssertEveryPrefix(byte[] full, int[] boundaries)
    {
        for (int cut = 0; cut < full.Length; cut++)
        {
            var walker = new SmbiosStructureWalker(full.AsSpan(0, cut), 0);
            int count = 0;
            while (walker.TryNext(out _))
            {
                count++;
            }

            int complete = Array.FindLastIndex(boundaries, b => b <= cut);
            bool atBoundary = Array.IndexOf(boundaries, cut) >= 0;
            Assert.Equal(atBoundary ? SmbiosWalkStatus.EndOfData : SmbiosWalkStatus.Truncated, walker.Status);
            Assert.Equal(complete, count);
            Assert.Equal(boundaries[complete], walker.Offset);
        }
    }
}
