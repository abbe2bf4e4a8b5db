using System.Net;
using UefiRecovery.Manager.Images;
using UefiRecovery.Manager.Serving;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

/// <summary>Values of --max-image-size and --status-http.</summary>
public sealed class OptionValueTests
{
    [Theory]
    [InlineData("64MiB", 64L << 20)]
    [InlineData("64M", 64L << 20)]
    [InlineData("512KiB", 512L << 10)]
    [InlineData("1GiB", 1L << 30)]
    [InlineData("1048576", 1L << 20)]
    [InlineData("0x100000", 1L << 20)]
    public void ImageLimits_ValidSize_Parsed(string text, long expected)
    {
        Assert.True(ImageLimits.TryParse(text, out long bytes, out _));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("3GiB")]
    [InlineData("99999999999999999999")]
    [InlineData("lots")]
    [InlineData("")]
    public void ImageLimits_InvalidSize_RefusedWithRange(string text)
    {
        Assert.False(ImageLimits.TryParse(text, out _, out string error));
        Assert.StartsWith("--max-image-size must be 1..", error, System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:8480", "127.0.0.1", 8480)]
    [InlineData("[::1]:8481", "::1", 8481)]
    [InlineData("[::1]", "::1", 8480)]
    [InlineData("[::1]:0", "::1", 0)]
    public void EndpointText_WithIPv6_Parsed(string text, string address, int port)
    {
        Assert.True(EndpointText.TryParseWithIPv6(text, 8480, out IPEndPoint endpoint));
        Assert.Equal(IPAddress.Parse(address), endpoint.Address);
        Assert.Equal(port, endpoint.Port);
    }

    [Theory]
    [InlineData("::1:8480")]
    [InlineData("[::1]8480")]
    [InlineData("[::1]:99999")]
    [InlineData("[127.0.0.1]:80")]
    [InlineData("[nonsense]:80")]
    public void EndpointText_BadIPv6_Refused(string text) => Assert.False(EndpointText.TryParseWithIPv6(text, 8480, out _));
}
