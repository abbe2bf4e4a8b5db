using System;
using UefiRecovery.Core.Config;
using Xunit;

namespace UefiRecovery.Core.Tests.Config;

/// <summary>
/// <c>uefirecovery.timeout.request-backoff</c> (cap of the no-offer REQUEST backoff, docs/protocol.md §6.2) and
/// <c>uefirecovery.timeout.recovery</c> (overall deadline until an image is verified; 0 = none).
/// </summary>
public sealed class RecoveryTimeoutConfigTests
{
    [Fact]
    public void NewConfig_Defaults_EightSecondBackoffNoDeadline()
    {
        var config = new RecoveryConfig();

        Assert.Equal(8u, config.RequestBackoffSeconds);
        Assert.Equal(0u, config.RecoveryTimeoutSeconds);
    }

    [Theory]
    [InlineData("uefirecovery.timeout.request-backoff=1", 1u)]
    [InlineData("uefirecovery.timeout.request-backoff=60", 60u)]
    [InlineData("uefirecovery.timeout.request-backoff=3600", 3600u)]
    public void TryApplyEntry_RequestBackoffInRange_Applied(string entry, uint seconds)
    {
        var config = new RecoveryConfig();

        ConfigApplyResult result = config.TryApplyEntry(entry);

        Assert.True(result.IsApplied);
        Assert.Equal(ConfigKey.RequestBackoffTimeout, result.Key);
        Assert.Equal(seconds, config.RequestBackoffSeconds);
    }

    [Theory]
    [InlineData("uefirecovery.timeout.request-backoff=0", "0 seconds: the backoff cap must be at least 1")]
    [InlineData("uefirecovery.timeout.request-backoff=3601", "seconds above the maximum")]
    [InlineData("uefirecovery.timeout.request-backoff=-1", "not a whole number of seconds")]
    [InlineData("uefirecovery.timeout.request-backoff=8s", "not a whole number of seconds")]
    [InlineData("uefirecovery.timeout.request-backoff=", "not a whole number of seconds")]
    [InlineData("uefirecovery.timeout.request-backoff=99999999999999999999", "not a whole number of seconds")]
    public void TryApplyEntry_RequestBackoffBad_RejectedDefaultKept(string entry, string reason)
    {
        var config = new RecoveryConfig();

        ConfigApplyResult result = config.TryApplyEntry(entry);

        Assert.Equal(ConfigStatus.BadValue, result.Status);
        Assert.Equal(reason, result.Reason);
        Assert.Equal(RecoveryConfig.DefaultRequestBackoffSeconds, config.RequestBackoffSeconds);
        Assert.True(config.ProtectedKeyRejected); // protected since issue #10: recovery stops with reason=config
    }

    [Theory]
    [InlineData("uefirecovery.timeout.volume-wait=0", 0u)]
    [InlineData("uefirecovery.timeout.volume-wait=60", 60u)]
    [InlineData("uefirecovery.timeout.volume-wait=3600", 3600u)]
    public void TryApplyEntry_VolumeWaitInRange_Applied(string entry, uint seconds)
    {
        var config = new RecoveryConfig();

        ConfigApplyResult result = config.TryApplyEntry(entry);

        Assert.True(result.IsApplied);
        Assert.Equal(ConfigKey.VolumeWaitTimeout, result.Key);
        Assert.Equal(seconds, config.VolumeWaitSeconds);
    }

    [Theory]
    [InlineData("uefirecovery.timeout.volume-wait=3601", "seconds above the maximum")]
    [InlineData("uefirecovery.timeout.volume-wait=1m", "not a whole number of seconds")]
    [InlineData("uefirecovery.timeout.volume-wait=", "not a whole number of seconds")]
    public void TryApplyEntry_VolumeWaitBad_RejectedDefaultKept(string entry, string reason)
    {
        var config = new RecoveryConfig();

        ConfigApplyResult result = config.TryApplyEntry(entry);

        Assert.Equal(ConfigStatus.BadValue, result.Status);
        Assert.Equal(reason, result.Reason);
        Assert.Equal(RecoveryConfig.DefaultVolumeWaitSeconds, config.VolumeWaitSeconds);
        Assert.True(config.ProtectedKeyRejected); // it decides how long a machine waits before giving up
    }

    [Theory]
    [InlineData("uefirecovery.timeout.recovery=0", 0u)]
    [InlineData("uefirecovery.timeout.recovery=900", 900u)]
    [InlineData("uefirecovery.timeout.recovery=604800", 604800u)]
    public void TryApplyEntry_RecoveryTimeoutInRange_Applied(string entry, uint seconds)
    {
        var config = new RecoveryConfig();

        Assert.True(config.TryApplyEntry(entry).IsApplied);

        Assert.Equal(seconds, config.RecoveryTimeoutSeconds);
    }

    [Theory]
    [InlineData("uefirecovery.timeout.recovery=604801")]
    [InlineData("uefirecovery.timeout.recovery=ten")]
    [InlineData("uefirecovery.timeout.recovery=0x10")]
    public void TryApplyEntry_RecoveryTimeoutBad_RejectedNoDeadlineKept(string entry)
    {
        var config = new RecoveryConfig();

        Assert.Equal(ConfigStatus.BadValue, config.TryApplyEntry(entry).Status);

        Assert.Equal(0u, config.RecoveryTimeoutSeconds);
    }

    [Fact]
    public void TryApplyFrom_TimeoutsFromEspFile_RefusedAsProtected()
    {
        // A deadline of 1 s from the OS would make recovery give up at every boot, a one-hour backoff stall it:
        // both are protected (issue #10). The platform's own values (SMBIOS) still apply.
        var config = new RecoveryConfig();

        Assert.Equal(ConfigStatus.SourceNotTrusted, config.TryApplyFrom(ConfigSource.EspFile, "uefirecovery.timeout.recovery=1", osWritable: true).Status);
        Assert.Equal(ConfigStatus.SourceNotTrusted, config.TryApplyFrom(ConfigSource.EspFile, "uefirecovery.timeout.request-backoff=3600", osWritable: true).Status);
        Assert.True(config.TryApplyFrom(ConfigSource.Smbios, "uefirecovery.timeout.recovery=120").IsApplied);

        Assert.Equal(120u, config.RecoveryTimeoutSeconds);
        Assert.Equal(RecoveryConfig.DefaultRequestBackoffSeconds, config.RequestBackoffSeconds);
        Assert.Equal(ConfigSource.Smbios, config.SourceOf(ConfigKey.RecoveryTimeout));
    }

    [Fact]
    public void Names_TimeoutKeys_RoundTrip()
    {
        Assert.Equal(ConfigKey.RequestBackoffTimeout, ConfigKeyNames.Lookup("uefirecovery.timeout.request-backoff"));
        Assert.Equal(ConfigKey.RecoveryTimeout, ConfigKeyNames.Lookup("uefirecovery.timeout.recovery"));
        Assert.Equal("uefirecovery.timeout.recovery", ConfigKeyNames.Name(ConfigKey.RecoveryTimeout));
        Assert.Equal(ConfigKeyNames.LastKey, System.Linq.Enumerable.Max(Enum.GetValues<ConfigKey>()));
    }
}
