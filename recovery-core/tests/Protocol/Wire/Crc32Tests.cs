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

    /// <summary>
    /// The slicing-by-8 loop against the definition itself (one bit per step, poly 0xEDB88320) for every
    /// length 0..1500 and an unaligned start: covers each tail length after the 8-byte steps.
    /// </summary>
    [Fact]
    public void Compute_EveryLengthAndOffset_MatchesBitwiseDefinition()
    {
        byte[] data = new byte[1503];
        new Random(5).NextBytes(data);
        for (int offset = 0; offset < 3; offset++)
        {
            for (int length = 0; length <= 1500; length++)
            {
                ReadOnlySpan<byte> slice = data.AsSpan(offset, length);
                Assert.Equal(BitwiseCrc(slice), Crc32.Compute(slice));
            }
        }
    }

    /// <summary>
    /// The host build's carry-less-multiply folding (Crc32.Host.cs) against the bitwise definition: every
    /// length 0..1500 from a running CRC (seeded random bytes and start values), and a few lengths to 9000.
    /// </summary>
    [Fact]
    public void AppendFolded_RandomInputs_MatchesBitwiseDefinition()
    {
        Random random = new Random(7);
        byte[] prefix = new byte[11];
        random.NextBytes(prefix);
        for (int length = 0; length <= 1500 + 50; length++)
        {
            int n = length <= 1500 ? length : random.Next(1501, 9001);
            byte[] data = new byte[n];
            random.NextBytes(data);
            byte[] whole = new byte[prefix.Length + n];
            prefix.CopyTo(whole, 0);
            data.CopyTo(whole, prefix.Length);
            Assert.Equal(BitwiseCrc(data), Crc32.AppendFolded(0, data));
            Assert.Equal(BitwiseCrc(whole), Crc32.AppendFolded(Crc32.Compute(prefix), data));
        }
    }

    /// <summary>
    /// The host build's message CRC (folding, Crc32.Host.cs) against the firmware's portable
    /// slicing-by-8 and against the bitwise definition over a copy with the field really zeroed: random
    /// messages of every length 32..1500 and a few up to 9000 (jumbo DATA), seeded.
    /// </summary>
    [Fact]
    public void ComputeWithZeroedWord_RandomMessages_HostAndPortableAgree()
    {
        Random random = new Random(20261121);
        List<int> lengths = new List<int>();
        for (int length = 32; length <= 1500; length++) lengths.Add(length);
        for (int i = 0; i < 50; i++) lengths.Add(random.Next(1501, 9001));
        foreach (int length in lengths)
        {
            byte[] message = new byte[length];
            random.NextBytes(message);
            int zeroedOffset = random.Next(0, length - 3);
            byte[] zeroed = (byte[])message.Clone();
            zeroed.AsSpan(zeroedOffset, 4).Clear();
            uint expected = BitwiseCrc(zeroed);
            Assert.Equal(expected, Crc32.ComputeWithZeroedWordPortable(message, zeroedOffset));
            Assert.Equal(expected, Crc32.ComputeWithZeroedWord(message, zeroedOffset));
        }
    }

    [Theory]
    [InlineData(0, -1)]
    [InlineData(3, 0)]
    [InlineData(32, 29)]
    public void ComputeWithZeroedWord_FieldOutsideMessage_ReturnsZero(int length, int zeroedOffset)
    {
        Assert.Equal(0u, Crc32.ComputeWithZeroedWord(new byte[length], zeroedOffset));
        Assert.Equal(0u, Crc32.ComputeWithZeroedWordPortable(new byte[length], zeroedOffset));
    }

    private static uint BitwiseCrc(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFFu;
        foreach (byte b in data)
        {
            c ^= b;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
        }
        return c ^ 0xFFFFFFFFu;
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
