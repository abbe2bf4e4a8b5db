using System;
using UefiRecovery.Core.Common;
using UefiRecovery.Efi.Services.Console;
using UefiRecovery.Efi.Tests.Uefi;
using UefiRecovery.Efi.Uefi;
using UefiRecovery.Netstack.Wire;
using Xunit;

namespace UefiRecovery.Efi.Tests.Services;

[Collection(FakeFirmwareCollection.Name)]
public sealed class ConsoleLineTests
{
    public static TheoryData<ulong, int, string> HexRows => new()
    {
        { 0x20UL, 8, "0x00000020" },
        { 0xABCUL, 1, "0xABC" },
        { 0UL, 1, "0x0" },
        { 0x8000_0000_0000_000EUL, 16, "0x800000000000000E" },
        { 0x10000UL, 8, "0x00010000" },
    };

    public static TheoryData<uint, string> AddressRows => new()
    {
        { 0x0A000114u, "10.0.1.20" },
        { 0xFFFFFFFFu, "255.255.255.255" },
        { 0u, "0.0.0.0" },
    };

    [Fact]
    public void Append_ChainThenStatements_AppendsInPlace()
    {
        Span<char> buffer = stackalloc char[64];
        var line = new ConsoleLine(buffer).Append("RECOVERY PHASE ").Append("discovering");
        line.Append(" deadline=");
        line.AppendDecimal(30UL).Append("s");

        Assert.Equal("RECOVERY PHASE discovering deadline=30s", line.Text.ToString());
    }

    [Theory]
    [MemberData(nameof(HexRows))]
    public void AppendHex_MinDigits_UpperCaseWithPrefix(ulong value, int minDigits, string expected)
    {
        Span<char> buffer = stackalloc char[32];
        var line = new ConsoleLine(buffer);
        line.AppendHex(value, minDigits);

        Assert.Equal(expected, line.Text.ToString());
    }

    [Theory]
    [MemberData(nameof(AddressRows))]
    public void AppendIpv4_Address_DottedQuad(uint value, string expected)
    {
        Span<char> buffer = stackalloc char[32];
        var line = new ConsoleLine(buffer).Append("ip=").Append(new Ipv4Address(value));

        Assert.Equal("ip=" + expected, line.Text.ToString());
    }

    [Theory]
    [InlineData(0u, "router=none")]
    [InlineData(0x0A000001u, "router=10.0.0.1")]
    public void AppendOrNone_UnspecifiedOrAddress_NoneOrDottedQuad(uint value, string expected)
    {
        Span<char> buffer = stackalloc char[32];
        var line = new ConsoleLine(buffer).Append("router=").AppendOrNone(new Ipv4Address(value));

        Assert.Equal(expected, line.Text.ToString());
    }

    [Fact]
    public void AppendMacAndGuid_Values_FormattedByTheirTypes()
    {
        Span<char> buffer = stackalloc char[128];
        Assert.True(EfiGuid.TryParse("6E3C1A1B-3F4D-4F0E-9C64-2A5D8B1F7E10", out EfiGuid guid));
        var line = new ConsoleLine(buffer).Append("mac=").Append(new MacAddress(0x525400123456UL)).Append(" image-type=").Append(guid);

        Assert.Equal("mac=52:54:00:12:34:56 image-type=6E3C1A1B-3F4D-4F0E-9C64-2A5D8B1F7E10", line.Text.ToString());
    }

    [Fact]
    public void Append_TextLongerThanBuffer_CutOffOneCharKeptForTerminator()
    {
        Span<char> buffer = stackalloc char[8];
        var line = new ConsoleLine(buffer).Append("0123456789");

        Assert.Equal("0123456", line.Text.ToString());
    }

    [Fact]
    public void AppendValue_NoRoomLeft_LeftOutNotCut()
    {
        Span<char> buffer = stackalloc char[10];
        var line = new ConsoleLine(buffer).Append("ip=").Append(new Ipv4Address(0x0A000114u)).AppendDecimal(12345UL);

        Assert.Equal("ip=12345", line.Text.ToString());
    }

    [Fact]
    public unsafe void WriteLine_Chain_OneOutputStringWithCrLf()
    {
        using var firmware = new FakeFirmware();
        var console = new UefiConsole(firmware.ConOut);

        new ConsoleLine(stackalloc char[64]).Append("RECOVERY DONE verdict=failed reason=").Append("no-nic").WriteLine(console);

        Assert.Equal("RECOVERY DONE verdict=failed reason=no-nic\r\n", FakeFirmware.Output.ToString());
        Assert.Equal(1, FakeFirmware.OutputCalls);
    }
}
