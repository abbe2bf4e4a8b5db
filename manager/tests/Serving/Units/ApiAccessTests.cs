using System.Net;
using UefiRecovery.Manager.Serving.Status;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

/// <summary>Who may use serve's HTTP endpoint: loopback without a token; with one, everyone but loopback GETs needs it.</summary>
public sealed class ApiAccessTests
{
    private const string Token = "0123456789abcdef0123";

    // token configured?, remote, method, Authorization header, verdict
    public static TheoryData<bool, string, string, string?, ApiVerdict> Rows => new()
    {
        { false, "127.0.0.1", "GET", null, ApiVerdict.Local },
        { false, "127.0.0.1", "POST", null, ApiVerdict.Local },
        { false, "::1", "POST", null, ApiVerdict.Local },
        { false, "::ffff:127.0.0.1", "GET", null, ApiVerdict.Local },
        { false, "192.0.2.9", "GET", null, ApiVerdict.Forbidden },
        { true, "127.0.0.1", "GET", null, ApiVerdict.Local },
        { true, "127.0.0.1", "POST", null, ApiVerdict.Unauthorized },
        { true, "127.0.0.1", "POST", "Bearer " + Token, ApiVerdict.Token },
        { true, "192.0.2.9", "GET", null, ApiVerdict.Unauthorized },
        { true, "192.0.2.9", "POST", null, ApiVerdict.Unauthorized },
        { true, "192.0.2.9", "POST", "Bearer " + Token, ApiVerdict.Token },
        { true, "192.0.2.9", "GET", "Bearer " + Token, ApiVerdict.Token },
        { true, "192.0.2.9", "POST", "Bearer " + Token + "x", ApiVerdict.Forbidden },
        { true, "192.0.2.9", "POST", "Bearer ", ApiVerdict.Forbidden },
        { true, "192.0.2.9", "POST", "Basic dXNlcjpwYXNz", ApiVerdict.Forbidden },
        { true, "127.0.0.1", "POST", "Bearer wrong-token-wrong", ApiVerdict.Forbidden },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Judge_Request_Verdict(bool hasToken, string remote, string method, string? authorization, ApiVerdict expected)
    {
        var access = new ApiAccess(hasToken ? Token : null);
        Assert.Equal(expected, access.Judge(IPAddress.Parse(remote), method, authorization));
    }
}
