using UefiRecovery.Manager.Serving.Status;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

/// <summary>Only Host headers that name this host reach GET /status (DNS rebinding carries a foreign name).</summary>
public sealed class StatusHostCheckTests
{
    private static readonly StatusHostCheck Check = new(new[] { "mgr-tunnel.example" });

    public static TheoryData<string?, bool> Hosts => new()
    {
        { "localhost", true },
        { "localhost:8480", true },
        { "LOCALHOST:8480", true },
        { "localhost.:8480", true },
        { "127.0.0.1:8480", true },
        { "127.0.0.1", true },
        { "127.9.8.7:8480", true },
        { "[::1]:8480", true },
        { "[::1]", true },
        { "mgr-tunnel.example:8480", true },
        { "attacker.example:8480", false },
        { "attacker.example", false },
        { "localhost.attacker.example", false },
        { "10.0.0.1:8480", false },
        { "0.0.0.0:8480", false },
        { "[fe80::1]:8480", false },
        { "[::ffff:127.0.0.1]:8480", false },
        { "127.1:8480", false },
        { "2130706433:8480", false },
        { "localhost:notaport", false },
        { "[::1", false },
        { "", false },
        { null, false },
    };

    [Theory]
    [MemberData(nameof(Hosts))]
    public void Allows_HostHeader_OnlyNamesOfThisHost(string? host, bool allowed) => Assert.Equal(allowed, Check.Allows(host));

    [Theory]
    [InlineData("mgr.example", true)]
    [InlineData("10.0.0.5", true)]
    [InlineData("mgr.example:8480", false)]
    [InlineData("http://mgr.example", false)]
    [InlineData("[::1]", false)]
    [InlineData(" ", false)]
    public void IsValidName_StatusHostOption_NamesOnly(string name, bool valid) => Assert.Equal(valid, StatusHostCheck.IsValidName(name));
}
