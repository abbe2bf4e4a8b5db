using System.Text;
using UefiRecovery.Core.Config;
using UefiRecovery.Core.Protocol;
using Xunit;

namespace UefiRecovery.Core.Tests.Config;

/// <summary>
/// <c>uefirecovery.manager</c> repeated (issue #6 "manager address(es) and port"): up to 4 from one source, in order,
/// the first source that gives any keeps the key (docs/config.md), DHCP only when no source gave one.
/// </summary>
public sealed class ManagerListConfigTests
{
    private static int Apply(RecoveryConfig config, RecordingConfigReport report, ConfigSource source, string text) =>
        ConfigTextSource.Apply(Encoding.ASCII.GetBytes(text), source, osWritable: false, config, report);

    [Fact]
    public void Apply_ManagerRepeatedInOneSource_EachAddedInOrder()
    {
        var config = new RecoveryConfig();
        var report = new RecordingConfigReport();

        int rejected = Apply(config, report, ConfigSource.EfiVariable,
            "uefirecovery.manager=10.0.0.1\nuefirecovery.manager=10.0.0.2:50000\n");

        Assert.Equal(0, rejected);
        Assert.Equal(2, config.ManagerCount);
        Assert.Equal(0x0A000001u, config.GetManagerAddress(0));
        Assert.Equal(ProtocolConstants.DonorPort, config.GetManagerPort(0));
        Assert.Equal(0x0A000002u, config.GetManagerAddress(1));
        Assert.Equal(50000, config.GetManagerPort(1));
        Assert.Equal(0x0A000001u, config.ManagerAddress); // single-manager readers (netdiag) see the first
        Assert.Equal(0u, config.GetManagerAddress(2));
    }

    [Fact]
    public void Apply_FifthManager_RefusedFirstFourStay()
    {
        var config = new RecoveryConfig();
        var report = new RecordingConfigReport();

        int rejected = Apply(config, report, ConfigSource.Smbios,
            "uefirecovery.manager=10.0.0.1\nuefirecovery.manager=10.0.0.2\nuefirecovery.manager=10.0.0.3\n"
            + "uefirecovery.manager=10.0.0.4\nuefirecovery.manager=10.0.0.5\n");

        Assert.Equal(1, rejected);
        Assert.Equal(RecoveryConfig.MaxManagers, config.ManagerCount);
        Assert.Equal(0x0A000004u, config.GetManagerAddress(3));
        Assert.Equal("BadValue smbios:5 uefirecovery.manager=10.0.0.5 more than 4 managers", report.Lines[4]);
        Assert.True(config.ProtectedKeyRejected); // protected since issue #10: the platform's list was not taken as meant
    }

    [Fact]
    public void Apply_SameManagerTwice_SecondRefused()
    {
        var config = new RecoveryConfig();
        var report = new RecordingConfigReport();

        int rejected = Apply(config, report, ConfigSource.Smbios, "uefirecovery.manager=10.0.0.1:40123\nuefirecovery.manager=10.0.0.1\n");

        Assert.Equal(1, rejected);
        Assert.Equal(1, config.ManagerCount);
        Assert.Equal("BadValue smbios:2 uefirecovery.manager=10.0.0.1 manager already listed", report.Lines[1]);
    }

    [Fact]
    public void Apply_ManagersInTwoSources_HigherSourceListKeptLowerOverridden()
    {
        var config = new RecoveryConfig();
        var report = new RecordingConfigReport();

        Apply(config, report, ConfigSource.EfiVariable, "uefirecovery.manager=10.0.0.1\nuefirecovery.manager=10.0.0.2\n");
        Apply(config, report, ConfigSource.Smbios, "uefirecovery.manager=10.0.0.3\n");

        Assert.Equal(2, config.ManagerCount);
        Assert.Equal(0x0A000002u, config.GetManagerAddress(1));
        Assert.Equal(ConfigSource.EfiVariable, config.SourceOf(ConfigKey.Manager));
        Assert.Equal("Overridden smbios:1 uefirecovery.manager=10.0.0.3 set by a source of higher priority", report.Lines[2]);
        Assert.False(config.TryApplyDhcpManager(0x0A000009u, 0));
        Assert.Equal(2, config.ManagerCount);
    }

    [Fact]
    public void TryApplyDhcpManager_NoSourceGaveManager_OneManager()
    {
        var config = new RecoveryConfig();

        Assert.True(config.TryApplyDhcpManager(0x0A000009u, 41000));

        Assert.Equal(1, config.ManagerCount);
        Assert.Equal(0x0A000009u, config.GetManagerAddress(0));
        Assert.Equal(41000, config.GetManagerPort(0));
    }
}
