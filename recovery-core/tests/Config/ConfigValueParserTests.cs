using UefiRecovery.Core.Config;
using Xunit;

namespace UefiRecovery.Core.Tests.Config;

public sealed class ConfigValueParserTests
{
    // RFC 5737 documentation addresses and edge octets.
    [Theory]
    [InlineData("192.0.2.1", 0xC0000201u)]
    [InlineData("0.0.0.0", 0x00000000u)]
    [InlineData("255.255.255.255", 0xFFFFFFFFu)]
    [InlineData("10.0.0.10", 0x0A00000Au)]
    [InlineData("198.51.100.254", 0xC63364FEu)]
    public void TryParseIpv4_DottedQuad_BigEndianNumber(string text, uint expected)
    {
        Assert.True(ConfigValueParser.TryParseIpv4(text, out uint address, out string reason));
        Assert.Equal(expected, address);
        Assert.Equal("", reason);
    }

    [Theory]
    [InlineData("", "empty address")]
    [InlineData("1.2.3", "fewer than four parts")]
    [InlineData("1.2.3.4.5", "more than four parts")]
    [InlineData("1..3.4", "empty part")]
    [InlineData("1.2.3.", "empty part")]
    [InlineData(".1.2.3", "empty part")]
    [InlineData("1.2.3.256", "part above 255")]
    [InlineData("1.2.3.010", "leading zero")]
    [InlineData("1.2.3.1000", "part is not a decimal number 0..255")]
    [InlineData("1.2.3.x", "part is not a decimal number 0..255")]
    [InlineData("1.2.3.-1", "part is not a decimal number 0..255")]
    [InlineData("1.2.3.4 ", "part is not a decimal number 0..255")]
    [InlineData("0x1.2.3.4", "leading zero")]
    public void TryParseIpv4_Malformed_RejectedWithReason(string text, string expectedReason)
    {
        Assert.False(ConfigValueParser.TryParseIpv4(text, out uint address, out string reason));
        Assert.Equal(0u, address);
        Assert.Equal(expectedReason, reason);
    }

    [Theory]
    [InlineData("0.0.0.0", "unspecified address 0.0.0.0")]
    [InlineData("255.255.255.255", "broadcast address")]
    [InlineData("224.0.0.1", "multicast address")]
    [InlineData("239.255.255.250", "multicast address")]
    [InlineData("127.0.0.1", "loopback address")]
    [InlineData("240.0.0.1", "reserved (class E) address")]
    public void TryParseUnicastIpv4_NotAHostAddress_Rejected(string text, string expectedReason)
    {
        Assert.False(ConfigValueParser.TryParseUnicastIpv4(text, out uint address, out string reason));
        Assert.Equal(0u, address);
        Assert.Equal(expectedReason, reason);
    }

    [Theory]
    [InlineData("10.203.7.50/24", 0x0ACB0732u, 24)]
    [InlineData("192.0.2.1/32", 0xC0000201u, 32)]
    [InlineData("192.0.2.0/31", 0xC0000200u, 31)]   // RFC 3021 point-to-point
    [InlineData("192.0.2.1/1", 0xC0000201u, 1)]
    public void TryParseHostPrefix_Valid_AddressAndLength(string text, uint expectedAddress, int expectedLength)
    {
        Assert.True(ConfigValueParser.TryParseHostPrefix(text, out uint address, out int length, out _));
        Assert.Equal(expectedAddress, address);
        Assert.Equal(expectedLength, length);
    }

    [Theory]
    [InlineData("10.0.0.5", "prefix length missing (A.B.C.D/len)")]
    [InlineData("10.0.0.5/", "prefix length is not a decimal number 1..32")]
    [InlineData("10.0.0.5/024", "prefix length is not a decimal number 1..32")]
    [InlineData("10.0.0.5/33", "prefix length outside 1..32")]
    [InlineData("10.0.0.5/0", "prefix length outside 1..32")]
    [InlineData("10.0.0.0/24", "address is the subnet's network address")]
    [InlineData("10.0.0.255/24", "address is the subnet's broadcast address")]
    [InlineData("224.0.0.5/24", "multicast address")]
    [InlineData("10.0.0.256/24", "part above 255")]
    public void TryParseHostPrefix_Invalid_RejectedWithReason(string text, string expectedReason)
    {
        Assert.False(ConfigValueParser.TryParseHostPrefix(text, out uint address, out int length, out string reason));
        Assert.Equal(0u, address);
        Assert.Equal(0, length);
        Assert.Equal(expectedReason, reason);
    }

    [Theory]
    [InlineData("1", (ushort)1)]
    [InlineData("7", (ushort)7)]
    [InlineData("40123", (ushort)40123)]
    [InlineData("65535", (ushort)65535)]
    public void TryParsePort_InRange_Parsed(string text, ushort expected)
    {
        Assert.True(ConfigValueParser.TryParsePort(text, out ushort port, out _));
        Assert.Equal(expected, port);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("99999")]
    [InlineData("")]
    [InlineData("080")]
    [InlineData("+80")]
    [InlineData("123456")]
    public void TryParsePort_OutOfRangeOrMalformed_Rejected(string text)
    {
        Assert.False(ConfigValueParser.TryParsePort(text, out ushort port, out string reason));
        Assert.Equal(0, port);
        Assert.NotEqual("", reason);
    }

    [Theory]
    [InlineData("192.0.2.10", 0xC000020Au, (ushort)40123)]
    [InlineData("192.0.2.10:50000", 0xC000020Au, (ushort)50000)]
    public void TryParseEndpoint_WithAndWithoutPort_DefaultPortUsed(string text, uint expectedAddress, ushort expectedPort)
    {
        Assert.True(ConfigValueParser.TryParseEndpoint(text, 40123, out uint address, out ushort port, out _));
        Assert.Equal(expectedAddress, address);
        Assert.Equal(expectedPort, port);
    }

    [Theory]
    [InlineData("192.0.2.10:")]
    [InlineData("192.0.2.10:0")]
    [InlineData(":50000")]
    [InlineData("192.0.2.10:50000:1")]
    [InlineData("255.255.255.255:50000")]
    public void TryParseEndpoint_Malformed_RejectedAndNothingSet(string text)
    {
        Assert.False(ConfigValueParser.TryParseEndpoint(text, 40123, out uint address, out ushort port, out string reason));
        Assert.Equal(0u, address);
        Assert.Equal(0, port);
        Assert.NotEqual("", reason);
    }

    [Theory]
    [InlineData("0", 0u)]
    [InlineData("300", 300u)]
    [InlineData("604800", 604800u)]
    public void TryParseSeconds_UpToMaximum_Parsed(string text, uint expected)
    {
        Assert.True(ConfigValueParser.TryParseSeconds(text, 604800, out uint seconds, out _));
        Assert.Equal(expected, seconds);
    }

    [Theory]
    [InlineData("604801", "seconds above the maximum")]
    [InlineData("4294967296", "not a whole number of seconds")]  // uint overflow
    [InlineData("99999999999", "not a whole number of seconds")]
    [InlineData("-1", "not a whole number of seconds")]
    [InlineData("1.5", "not a whole number of seconds")]
    [InlineData("", "not a whole number of seconds")]
    public void TryParseSeconds_Invalid_RejectedWithReason(string text, string expectedReason)
    {
        Assert.False(ConfigValueParser.TryParseSeconds(text, 604800, out uint seconds, out string reason));
        Assert.Equal(0u, seconds);
        Assert.Equal(expectedReason, reason);
    }

    [Theory]
    [InlineData(0, 0x00000000u)]
    [InlineData(8, 0xFF000000u)]
    [InlineData(24, 0xFFFFFF00u)]
    [InlineData(31, 0xFFFFFFFEu)]
    [InlineData(32, 0xFFFFFFFFu)]
    public void MaskFromPrefix_Length_Mask(int length, uint expected)
    {
        Assert.Equal(expected, ConfigValueParser.MaskFromPrefix(length));
    }
}
