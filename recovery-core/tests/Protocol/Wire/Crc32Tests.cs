using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using UefiRecovery.Core.Protocol.Wire;
using Xunit;

namespace UefiRecovery.Core.Tests.Protocol.Wire;

public class Crc32Tests
{
    private const string GoldenFile = "vectors/crc32/go-hash-crc32-golden.tsv";
    private const string CatalogueFile = "vectors/crc32/reveng-crc-catalogue-allcrcs.txt";

    /// <summary>Rows of golang/go src/hash/crc32/crc32_test.go 'golden', read from ../shared at run time.</summary>
    public static TheoryData<string, string> GoGolden()
    {
        TheoryData<string, string> rows = new TheoryData<string, string>();
        foreach (string line in File.ReadAllLines(ProtocolSharedFiles.PathOf(GoldenFile)))
        {
            if (line.StartsWith('#') || line.StartsWith("crc32_ieee", StringComparison.Ordinal) || line.Length == 0)
            {
                continue;
            }
            string[] columns = line.Split('\t');
            rows.Add(columns[0], columns[2]);
        }
        return rows;
    }

    [Theory]
    [MemberData(nameof(GoGolden))]
    public void Compute_GoGoldenTable_MatchesIeeeColumn(string expectedHex, string inputHex)
    {
        uint expected = uint.Parse(expectedHex.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        Assert.Equal(expected, Crc32.Compute(Convert.FromHexString(inputHex)));
    }

    [Fact]
    public void GoGolden_File_HasAllRows()
    {
        Assert.Equal(31, GoGolden().Count);
    }

    [Fact]
    public void Compute_CheckString_MatchesRevEngCatalogueCheckAndResidue()
    {
        string line = FindCatalogueLine("CRC-32/ISO-HDLC");
        uint check = CatalogueValue(line, "check=");
        uint residue = CatalogueValue(line, "residue=");
        byte[] data = Encoding.ASCII.GetBytes("123456789");

        Assert.Equal(check, Crc32.Compute(data));

        // Residue: the register after data || CRC (little-endian, as a reflected CRC is sent), before xorout.
        byte[] withCrc = new byte[data.Length + 4];
        data.CopyTo(withCrc, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(withCrc.AsSpan(data.Length), Crc32.Compute(data));
        Assert.Equal(residue, Crc32.Compute(withCrc) ^ 0xFFFFFFFFu);
    }

    [Fact]
    public void Append_AnySplit_EqualsComputeOverWhole()
    {
        byte[] data = Encoding.ASCII.GetBytes("The quick brown fox jumps over the lazy dog");
        uint whole = Crc32.Compute(data);
        for (int split = 0; split <= data.Length; split++)
        {
            Assert.Equal(whole, Crc32.Append(Crc32.Compute(data.AsSpan(0, split)), data.AsSpan(split)));
        }
    }

    private static string FindCatalogueLine(string name)
    {
        foreach (string line in File.ReadAllLines(ProtocolSharedFiles.PathOf(CatalogueFile)))
        {
            if (line.Contains("name=\"" + name + "\"", StringComparison.Ordinal))
            {
                return line;
            }
        }
        throw new InvalidOperationException(name + " not in catalogue");
    }

    private static uint CatalogueValue(string line, string key)
    {
        int start = line.IndexOf(key, StringComparison.Ordinal) + key.Length;
        int end = line.IndexOf(' ', start);
        string text = line.Substring(start, end - start);
        return uint.Parse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }
}
