using System.Text;
using UefiRecovery.Core.Config;
using Xunit;

namespace UefiRecovery.Core.Tests.Config;

/// <summary>The BMC source (issue #14): protected, right after SMBIOS and before the DHCP option (docs/config.md).</summary>
public sealed class BmcSourceRankTests
{
    [Fact]
    public void Apply_SmbiosAndBmcSameKey_SmbiosKeepsItBmcOverridden()
    {
        var config = new RecoveryConfig();
        var report = new RecordingConfigReport();

        Apply(config, report, ConfigSource.Smbios, "uefirecovery.manager=10.0.0.1:40123\n");
        Apply(config, report, ConfigSource.Bmc, "uefirecovery.manager=10.0.0.2:40123\nuefirecovery.mode=recover\n");

        Assert.Equal(ConfigSource.Smbios, config.SourceOf(ConfigKey.Manager));
        Assert.Equal(1, config.ManagerCount);
        Assert.Equal(RecoveryMode.Recover, config.Mode);
        Assert.Equal(ConfigSource.Bmc, config.SourceOf(ConfigKey.Mode));
        Assert.True(config.IsFromProtectedSource(ConfigKey.Mode));
    }

    [Fact]
    public void Apply_BmcManager_DhcpManagerNotTaken()
    {
        var config = new RecoveryConfig();

        Apply(config, new RecordingConfigReport(), ConfigSource.Bmc, "uefirecovery.manager=10.0.0.2:40123\n");

        Assert.False(config.TryApplyDhcpManager(0x0A000003, 40123));
        Assert.Equal(ConfigSource.Bmc, config.SourceOf(ConfigKey.Manager));
        Assert.True(config.IsFromProtectedSource(ConfigKey.Manager));
        Assert.Equal("bmc", ConfigSourceNames.Name(ConfigSource.Bmc));
    }

    [Fact]
    public void Rank_Bmc_BetweenSmbiosAndDhcpAboveOsWritable()
    {
        Assert.True(ConfigSourceRank.Of(ConfigSource.Smbios, false) < ConfigSourceRank.Of(ConfigSource.Bmc, false));
        Assert.True(ConfigSourceRank.Of(ConfigSource.Bmc, false) < ConfigSourceRank.Of(ConfigSource.Dhcp, false));
        Assert.True(ConfigSourceRank.Of(ConfigSource.Bmc, false) < ConfigSourceRank.Of(ConfigSource.EfiVariable, true));
    }

    private static void Apply(RecoveryConfig config, RecordingConfigReport report, ConfigSource source, string text) =>
        ConfigTextSource.Apply(Encoding.ASCII.GetBytes(text), source, osWritable: false, config, report);
}
