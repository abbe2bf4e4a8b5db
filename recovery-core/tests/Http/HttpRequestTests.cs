using System;
using System.Text;
using UefiRecovery.Core.Http;
using Xunit;

namespace UefiRecovery.Core.Tests.Http;

public class HttpRequestTests
{
    [Fact]
    public void TryWriteGet_PathAndAuthority_ExactRequest()
    {
        byte[] buffer = new byte[512];
        Assert.True(HttpRequest.TryWriteGet(buffer, "10.0.0.1:8080", "/images/fw.cap", out int written));
        Assert.Equal("GET /images/fw.cap HTTP/1.1\r\nHost: 10.0.0.1:8080\r\nUser-Agent: UefiRecovery\r\nAccept: */*\r\nConnection: close\r\n\r\n",
            Encoding.ASCII.GetString(buffer, 0, written));
    }

    [Fact]
    public void TryWriteGet_TooSmall_False()
    {
        Assert.False(HttpRequest.TryWriteGet(new byte[40], "10.0.0.1", "/fw.cap", out int written));
        Assert.Equal(0, written);
    }

    [Fact]
    public void TryWriteGet_LineBreakInPath_Refused()
    {
        Assert.False(HttpRequest.TryWriteGet(new byte[512], "10.0.0.1", "/a\r\nX-Evil: 1", out _));
    }

    public static TheoryData<string, string, uint, ushort, string> GoodUrls => new()
    {
        { "default port", "http://10.1.2.3/fw.cap", 0x0A010203, 80, "/fw.cap" },
        { "with port", "http://192.0.2.10:8080/images/x64/fw.cap", 0xC000020A, 8080, "/images/x64/fw.cap" },
        { "query", "http://10.1.2.3/get?name=fw&v=2", 0x0A010203, 80, "/get?name=fw&v=2" },
        { "root", "http://10.1.2.3/", 0x0A010203, 80, "/" },
    };

    [Theory]
    [MemberData(nameof(GoodUrls))]
    public void TryParse_Good_AddressPortPath(string name, string url, uint address, ushort port, string path)
    {
        _ = name;
        Assert.True(HttpUrl.TryParse(url, out uint a, out ushort p, out int pathStart, out string reason), reason);
        Assert.Equal(address, a);
        Assert.Equal(port, p);
        Assert.Equal(path, url.Substring(pathStart));
    }

    public static TheoryData<string, string, string> BadUrls => new()
    {
        { "https", "https://10.1.2.3/fw.cap", "https is not supported" },
        { "host name", "http://images.example/fw.cap", "IPv4" },
        { "no path", "http://10.1.2.3", "no host or no /path" },
        { "no host", "http:///fw.cap", "no host or no /path" },
        { "port 0", "http://10.1.2.3:0/fw.cap", "" },
        { "port too large", "http://10.1.2.3:70000/fw.cap", "IPv4" },
        { "space in path", "http://10.1.2.3/a b", "path has spaces" },
        { "fragment", "http://10.1.2.3/a#b", "path has spaces" },
        { "backslash", "http://10.1.2.3/a\\b", "path has spaces" },
        { "ftp", "ftp://10.1.2.3/a", "not http" },
        { "broadcast host", "http://255.255.255.255/a", "IPv4" },
        { "user info", "http://user@10.1.2.3/a", "IPv4" },
    };

    [Theory]
    [MemberData(nameof(BadUrls))]
    public void TryParse_Bad_RefusedWithReason(string name, string url, string reasonPart)
    {
        _ = name;
        Assert.False(HttpUrl.TryParse(url, out _, out _, out _, out string reason));
        Assert.Contains(reasonPart, reason);
        Assert.NotEqual("", reason);
    }
}
