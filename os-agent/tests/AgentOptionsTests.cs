using Xunit;

namespace UefiRecovery.Agent.Tests;

/// <summary>The agent's --manager option (the inventory report's destinations).</summary>
public class AgentOptionsTests
{
    [Fact]
    public void TryParse_ManagersWithAndWithoutPort_DefaultPort40123()
    {
        Assert.True(Program.TryParse(new[] { "--manager", "192.0.2.10", "--manager", "192.0.2.11:5000" }, out AgentOptions options, out string error), error);

        Assert.Equal(new[] { "192.0.2.10:40123", "192.0.2.11:5000" }, options.Managers.ConvertAll(m => m.ToString()));
    }

    [Theory]
    [MemberData(nameof(BadManagers))]
    public void TryParse_BadManager_RefusedWithTheOption(string[] args)
    {
        Assert.False(Program.TryParse(args, out _, out string error));
        Assert.Contains("--manager", error);
    }

    public static TheoryData<string[]> BadManagers => new()
    {
        new[] { "--manager", "manager.example" },
        new[] { "--manager", "0.0.0.0" },
        new[] { "--manager", "255.255.255.255:40123" },
        new[] { "--manager", "[::1]:40123" },
        new[] { "--manager", "192.0.2.10:70000" },
        new[] { "--manager", "192.0.2.1", "--manager", "192.0.2.2", "--manager", "192.0.2.3", "--manager", "192.0.2.4", "--manager", "192.0.2.5" },
    };
}
