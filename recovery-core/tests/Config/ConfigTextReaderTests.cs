using System;
using System.Collections.Generic;
using System.Text;
using UefiRecovery.Core.Config;
using Xunit;

namespace UefiRecovery.Core.Tests.Config;

public sealed class ConfigTextReaderTests
{
    [Fact]
    public void Next_CommentsBlanksCrLfAndPadding_OnlyEntriesWithLineNumbers()
    {
        byte[] text = Encoding.ASCII.GetBytes("# comment\r\n\r\n  uefirecovery.mode=netdiag \t\r\n\t# indented comment\nuefirecovery.debugexit=1");

        List<(ConfigLineStatus, int, string)> lines = ReadAll(text);

        Assert.Equal(new[]
        {
            (ConfigLineStatus.Entry, 3, "uefirecovery.mode=netdiag"),
            (ConfigLineStatus.Entry, 5, "uefirecovery.debugexit=1"),
        }, lines);
    }

    [Fact]
    public void Next_Utf8BomAndTrailingNuls_Ignored()
    {
        byte[] text = { 0xEF, 0xBB, 0xBF, (byte)'a', (byte)'=', (byte)'1', (byte)'\n', 0, 0 };

        Assert.Equal(new[] { (ConfigLineStatus.Entry, 1, "a=1") }, ReadAll(text));
    }

    [Theory]
    [InlineData("a=\u00e9", "non-ASCII UTF-8")]
    [InlineData("a=\u0001b", "control character")]
    [InlineData("a=b\0c", "NUL inside a line")]
    [InlineData("a=b\rc", "lone CR inside a line")]
    [InlineData("a=\u007f", "DEL")]
    public void Next_ByteOutsidePrintableAscii_LineRejectedRestRead(string bad, string what)
    {
        byte[] text = Encoding.UTF8.GetBytes(bad + "\nuefirecovery.mode=auto\n");

        List<(ConfigLineStatus, int, string)> lines = ReadAll(text);

        Assert.True(lines.Count == 2, what);
        Assert.Equal((ConfigLineStatus.BadCharacter, 1, ""), lines[0]);
        Assert.Equal((ConfigLineStatus.Entry, 2, "uefirecovery.mode=auto"), lines[1]);
    }

    [Fact]
    public void Next_LineOf257Characters_TooLong256Accepted()
    {
        string ok = "k=" + new string('x', ConfigTextReader.MaxLineLength - 2);
        string tooLong = ok + "y";
        byte[] text = Encoding.ASCII.GetBytes(tooLong + "\n" + ok + "\n");

        List<(ConfigLineStatus, int, string)> lines = ReadAll(text);

        Assert.Equal((ConfigLineStatus.TooLong, 1, ""), lines[0]);
        Assert.Equal((ConfigLineStatus.Entry, 2, ok), lines[1]);
    }

    [Fact]
    public void Next_SmallDestination_TooLongNotOverrun()
    {
        var reader = new ConfigTextReader(Encoding.ASCII.GetBytes("abcdef\n"));
        char[] destination = new char[4];

        Assert.Equal(ConfigLineStatus.TooLong, reader.Next(destination, out int length));
        Assert.Equal(0, length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n\n")]
    [InlineData("# only a comment")]
    [InlineData("\0\0\0")]
    public void Next_NothingToRead_End(string text)
    {
        Assert.Empty(ReadAll(Encoding.ASCII.GetBytes(text)));
    }

    /// <summary>Random and mutated inputs: the reader ends, never throws, and every entry is printable ASCII within bounds.</summary>
    [Fact]
    public void Next_RandomAndMutatedInput_TerminatesWithBoundedPrintableEntries()
    {
        var random = new Random(20261121);
        byte[] seed = Encoding.ASCII.GetBytes("# cfg\r\nuefirecovery.mode=recover\nuefirecovery.manager=10.0.0.1:40123\n\nuefirecovery.ip=10.0.0.5/24\n");
        for (int round = 0; round < 3000; round++)
        {
            byte[] text;
            if (round % 2 == 0)
            {
                text = new byte[random.Next(0, 5000)];
                random.NextBytes(text);
            }
            else
            {
                text = (byte[])seed.Clone();
                for (int flips = random.Next(1, 8); flips > 0; flips--)
                    text[random.Next(text.Length)] = (byte)random.Next(256);
            }

            int entries = 0;
            foreach ((ConfigLineStatus status, int line, string entry) in ReadAll(text))
            {
                Assert.InRange(line, 1, text.Length + 1);
                if (status != ConfigLineStatus.Entry)
                    continue;
                entries++;
                Assert.InRange(entry.Length, 1, ConfigTextReader.MaxLineLength);
                foreach (char c in entry)
                    Assert.InRange(c, ' ', '~');
                Assert.NotEqual('#', entry[0]);
            }
            Assert.True(entries <= text.Length);

            // The same text applied to a config never throws, and what it rejects it says so.
            var config = new RecoveryConfig();
            var report = new RecordingConfigReport();
            ConfigTextSource.Apply(text, ConfigSource.EspFile, osWritable: true, config, report);
        }
    }

    private static List<(ConfigLineStatus, int, string)> ReadAll(byte[] text)
    {
        var result = new List<(ConfigLineStatus, int, string)>();
        var reader = new ConfigTextReader(text);
        char[] entry = new char[ConfigTextReader.MaxLineLength];
        for (int guard = 0; guard <= text.Length + 1; guard++)
        {
            ConfigLineStatus status = reader.Next(entry, out int length);
            if (status == ConfigLineStatus.End)
                return result;
            result.Add((status, reader.LineNumber, new string(entry, 0, length)));
        }
        throw new InvalidOperationException("reader did not end");
    }
}
